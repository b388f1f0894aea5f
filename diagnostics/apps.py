from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostics")
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "qa": {"diagnostics.view_script", "diagnostics.view_scriptversion",
               "diagnostics.view_scriptrun", "diagnostics.view_faultcode"},
        "supervisor": {"diagnostics.view_script", "diagnostics.add_scriptversion",
                       "diagnostics.view_scriptversion", "diagnostics.change_script",
                       "diagnostics.view_scriptrun", "diagnostics.view_faultcode",
                       "diagnostics.change_faultcode", "diagnostics.add_faultcode"},
    }
    nav_items = (NavItem(_("Scripts"), "diagnostics:scripts", ("qa", "supervisor"), order=60),)
    case_panels = ("diagnostics.panels.case_panel",)
