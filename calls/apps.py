from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from calls.capabilities import PLAN_STAFFING, VIEW_CALL_METRICS
from hotline.capabilities import WORK_CASES
from hotline.navigation import NavItem


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "calls.names"  # timeline events and messages by name (hotline.names)
    nav_items = (
        NavItem(_("Screen pop"), "calls:screen_pop", WORK_CASES, order=15, group="calls"),
        NavItem(_("Wallboard"), "calls:wallboard", VIEW_CALL_METRICS, order=60, group="calls"),
        NavItem(_("Service level"), "calls:report", VIEW_CALL_METRICS, order=61, group="calls"),
        NavItem(_("Staffing"), "calls:planner", PLAN_STAFFING, order=62, group="calls"),
    )
    case_panels = ("calls.views.case_calls_panel",)
    customer_panels = ("calls.views.customer_calls_panel",)
