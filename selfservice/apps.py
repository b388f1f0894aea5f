from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from selfservice.capabilities import ANSWER_FOLLOWUPS


class SelfserviceConfig(AppConfig):
    """The customer's side: the tracking page, self-service actions, questions to the hotline.

    Reads every app below it (cases, swaps, visits, shipments, quotes, payments, the public
    status vocabulary of `partners`); nothing imports it but URLs and settings.
    """

    name = "selfservice"
    verbose_name = _("Customer self-service")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "selfservice.names"  # timeline events and messages by name (hotline.names)
    nav_items = (
        NavItem(_("Customer questions"), "selfservice:followups", ANSWER_FOLLOWUPS,
                order=44, group="cases"),
    )
    case_panels = ("selfservice.views.case_followups_panel",)
    # Every customer message carries the signed link to the tracking page.
    notification_context = ("selfservice.services.notification_context",)
