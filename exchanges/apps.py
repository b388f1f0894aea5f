from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from hotline.roles import OPERATOR, QA, SUPERVISOR, TECHNICIAN


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        OPERATOR: {
            "exchanges.view_decision", "exchanges.add_decision", "exchanges.view_diagnosis",
            "exchanges.add_diagnosis", "exchanges.view_quote", "exchanges.view_swap",
            "exchanges.view_visit", "exchanges.view_replacementunit",
            "exchanges.view_serviceprice", "exchanges.view_technician",
            "exchanges.view_warehouse", "exchanges.view_swapinspection",
        },
        SUPERVISOR: {
            "exchanges.change_serviceprice", "exchanges.add_serviceprice",
            "exchanges.change_replacementunit", "exchanges.add_replacementunit",
            "exchanges.change_technician", "exchanges.add_technician",
            "exchanges.change_warehouse", "exchanges.add_warehouse",
        },
        QA: {"exchanges.view_swap", "exchanges.view_swapinspection",
             "exchanges.add_swapinspection"},
        TECHNICIAN: {"exchanges.view_visit", "exchanges.change_visit"},
    }
    nav_items = (
        NavItem(_("Visits"), "exchanges:visit_day", (SUPERVISOR, TECHNICIAN), order=40),
        NavItem(_("Swap exceptions"), "exchanges:swap_queue", (OPERATOR, SUPERVISOR), order=42),
        NavItem(_("Returned units"), "exchanges:swap_returns", (QA, SUPERVISOR), order=43),
    )
    case_panels = ("exchanges.decisions.views.decision_panel", "exchanges.swaps.views.swap_panel")
    customer_panels = ("exchanges.swaps.views.customer_ledger_panel",)
    case_cancelled_hooks = ("exchanges.decisions.services.case_cancelled",
                            "exchanges.swaps.services.swaps_case_cancelled")
    # Courier tracking events drive the swaps (docs/swaps.md).
    carrier_subscribers = ("exchanges.swaps.subscriber.on_shipment_event",)
    wallboard_figures = ("exchanges.wallboard.wallboard_figures",)
