from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from exchanges.capabilities import CHANGE_SWAPS, INSPECT_SWAPS, WORK_VISIT_ROUNDS
from hotline.navigation import NavItem


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "exchanges.names"  # timeline events and messages by name (hotline.names)
    nav_items = (
        NavItem(_("Visits"), "exchanges:visit_day", WORK_VISIT_ROUNDS, order=40, group="logistics"),
        NavItem(_("Swap exceptions"), "exchanges:swap_queue", CHANGE_SWAPS, order=42, group="logistics"),
        NavItem(_("Returned units"), "exchanges:swap_returns", INSPECT_SWAPS, order=43,
                group="logistics"),
    )
    case_panels = ("exchanges.decisions.views.decision_panel", "exchanges.swaps.views.swap_panel")
    customer_panels = ("exchanges.swaps.views.customer_ledger_panel",)
    case_cancelled_hooks = ("exchanges.decisions.services.case_cancelled",
                            "exchanges.swaps.services.swaps_case_cancelled")
    # The case's buttons and transitions follow its swaps and visits (hotline.case_guards).
    case_transition_guards = ("exchanges.guards.case_guard",)
    # Courier tracking events drive the swaps (docs/swaps.md).
    carrier_subscribers = ("exchanges.swaps.subscriber.on_shipment_event",)
    wallboard_figures = ("exchanges.wallboard.wallboard_figures",)
    # A paid quote records consent and orders the service (docs/payments.md).
    payment_subscribers = ("exchanges.quotes.payments.on_payment",)
