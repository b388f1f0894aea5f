from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from hotline.capabilities import UNLOCK_LOGINS, VIEW_API_DOCS, WORK_CASES
from hotline.celery import app as celery_app
from hotline.navigation import NavItem
from hotline.roles import roles_sync


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "hotline.names"  # timeline events and messages by name (hotline.names)

    # The wallboard's figures are plugged in by the apps that own what they count.
    wallboard_figures = ("hotline.figures.case_outcomes_today",)
    nav_items = (
        NavItem(_("Console"), "console:home", WORK_CASES, order=10),
        NavItem(_("Cases"), "console:case_list", WORK_CASES, order=20, group="cases"),
        NavItem(_("API"), "api-docs", VIEW_API_DOCS, order=90, group="admin"),
        NavItem(_("Lockouts"), "console:lockouts", UNLOCK_LOGINS, order=95, group="admin"),
        NavItem(_("Site administration"), "admin:index", "", order=99,
                staff_only=True, group="admin"),
    )

    def ready(self):
        # Permissions are created app by app after migrate; sync once the last app has its own.
        post_migrate.connect(roles_sync, dispatch_uid="hotline-roles-sync")
        # Register every app's tasks now, so the web process can look them up by name.
        celery_app.autodiscover_tasks([config.name for config in apps.get_app_configs()], force=True)
