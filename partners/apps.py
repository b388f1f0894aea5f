from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from hotline.roles import DISTRIBUTOR, OPERATOR, SUPERVISOR


class PartnersConfig(AppConfig):
    """Distributors' access: the public status vocabulary, API keys, webhooks (docs/partners.md).

    Above hotline, exchanges and carriers; nothing imports it but URLs and settings.
    """

    name = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        OPERATOR: {"partners.view_publiccase"},
        SUPERVISOR: {"partners.view_distributorkey", "partners.add_distributorkey",
                     "partners.change_distributorkey", "partners.view_webhooksubscription",
                     "partners.view_webhookdelivery"},
    }
    nav_items = (
        NavItem(_("Partners"), "partners:home", (SUPERVISOR, DISTRIBUTOR), order=88),
    )
    # Every audit event of a case's state machines queues a refresh of its public view.
    audit_hooks = ("partners.services.public.audit_event_recorded",)
    # A courier's news on a swap's parcel is a tracking milestone for the case's partners.
    carrier_subscribers = ("partners.services.public.shipment_event",)
