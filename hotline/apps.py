from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from hotline.navigation import NavItem
from hotline.roles import DISTRIBUTOR, OPERATOR, QA, SUPERVISOR, TECHNICIAN


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        OPERATOR: {
            "hotline.view_customer", "hotline.add_customer", "hotline.change_customer",
            "hotline.view_customerphone", "hotline.add_customerphone",
            "hotline.view_address", "hotline.add_address", "hotline.change_address",
            "hotline.view_handset", "hotline.add_handset", "hotline.change_handset",
            "hotline.view_handsetmodel", "hotline.view_case", "hotline.add_case",
            "hotline.change_case", "hotline.view_distributor",
        },
        SUPERVISOR: {"hotline.override_decision", "hotline.cancel_in_service",
                     "hotline.view_auditevent"},
        QA: {"hotline.view_case", "hotline.view_handset", "hotline.view_handsetmodel"},
        TECHNICIAN: {"hotline.view_case", "hotline.view_customer", "hotline.view_handset"},
        DISTRIBUTOR: {"hotline.view_case", "hotline.add_case"},
    }
    nav_items = (
        NavItem(_("Console"), "console:home", (OPERATOR, SUPERVISOR), order=10),
        NavItem(_("Cases"), "console:case_list", (OPERATOR, SUPERVISOR), order=20),
        NavItem(_("API"), "api-docs", (DISTRIBUTOR, SUPERVISOR), order=90),
        NavItem(_("Lockouts"), "console:lockouts", (SUPERVISOR,), order=95),
        NavItem(_("Admin"), "admin:index", (), order=99, staff_only=True),
    )

    def ready(self):
        from hotline.roles import roles_sync

        # Permissions are created app by app after migrate; sync once the last app has its own.
        post_migrate.connect(roles_sync, dispatch_uid="hotline-roles-sync")
        # Register every app's tasks now, so the web process can look them up by name.
        from django.apps import apps

        from hotline.celery import app

        app.autodiscover_tasks([config.name for config in apps.get_app_configs()], force=True)
