from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from hotline.roles import OPERATOR, SUPERVISOR


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        OPERATOR: {"calls.view_call", "calls.view_callcase", "calls.add_callcase"},
        SUPERVISOR: {"calls.view_agentstate", "calls.view_agentsession", "calls.view_shift",
                     "calls.add_shift", "calls.change_shift", "calls.delete_shift",
                     "calls.view_callevent"},
    }
    nav_items = (
        NavItem(_("Screen pop"), "calls:screen_pop", (OPERATOR, SUPERVISOR), order=15),
        NavItem(_("Wallboard"), "calls:wallboard", (SUPERVISOR,), order=60),
        NavItem(_("Service level"), "calls:report", (SUPERVISOR,), order=61),
        NavItem(_("Staffing"), "calls:planner", (SUPERVISOR,), order=62),
    )
    case_panels = ("calls.views.case_calls_panel",)
    customer_panels = ("calls.views.customer_calls_panel",)
