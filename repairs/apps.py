from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem


class RepairsConfig(AppConfig):
    """Service points, mail-in repairs, the repair centre and its parts (docs/repairs.md).

    Above hotline, diagnostics, carriers and exchanges; nothing imports it. Exchanges reaches
    it only through the plug-in points below (fulfilment providers, returned-unit hooks)."""

    name = "repairs"
    verbose_name = _("Repairs")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "repairs.names"  # timeline events and messages by name (hotline.names)
    nav_items = (
        NavItem(_("Service point"), "repairs:point_console", "repairs.change_referral",
                order=30, group="logistics"),
        NavItem(_("Repair centre"), "repairs:queue", "repairs.work_repair", order=44,
                group="logistics"),
        NavItem(_("Parts"), "repairs:parts", "repairs.work_repair", order=45,
                group="logistics"),
        NavItem(_("Service points"), "repairs:points", "repairs.change_servicepoint",
                order=46, group="logistics"),
    )
    case_panels = ("repairs.views.case_panel",)
    # Outcomes of the case workflow carried out here (hotline.fulfilment).
    fulfilment_providers = {"referral": "repairs.providers.referral",
                            "repair": "repairs.providers.mail_in"}
    # A returned swap unit put in repair stock by the inspection joins the repair queue.
    returned_unit_hooks = ("repairs.services.orders.repair_from_returned_unit",)
    # A damage quote raised during a repair is answered here (exchanges' quotes).
    quote_answered_hooks = ("repairs.services.mail_in.quote_answered",)
    case_cancelled_hooks = ("repairs.services.lifecycle.repairs_case_cancelled",)
    case_revised_hooks = ("repairs.services.lifecycle.repairs_case_revised",)
    # The case's buttons and transitions follow its referral and repairs (hotline.case_guards).
    case_transition_guards = ("repairs.services.lifecycle.case_guard",)
    # Parcels of mail-in repairs (the prepaid label in, the repaired unit back).
    carrier_subscribers = ("repairs.tracking.on_shipment_event",)
