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

    def ready(self):
        from django.db.models.signals import post_migrate

        from hotline.roles import roles_sync

        # hotline syncs the role groups after its own migrations, before this app's
        # permissions exist on a fresh database; sync again once they do.
        post_migrate.connect(roles_sync, sender=self, dispatch_uid="diagnostics-roles-sync")
