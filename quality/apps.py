from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hotline.audit_hooks import AuditSubscriber
from hotline.navigation import NavItem
from quality.capabilities import VIEW_QUALITY


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "quality.names"  # timeline events and messages by name (hotline.names)

    nav_items = (
        NavItem(_("Quality"), "quality:home", VIEW_QUALITY, order=30, group="quality"),
        NavItem(_("Defect rates"), "quality:rates", VIEW_QUALITY, order=31, group="quality"),
        NavItem(_("Alerts"), "quality:alerts", VIEW_QUALITY, order=32, group="quality"),
    )
    # Every diagnosis, visit finding and inspection (and any app's `defect` evidence) becomes
    # a defect record: see quality.hooks and docs/quality.md.
    audit_subscribers = (
        AuditSubscriber("quality.hooks.on_audit_event",
                        actions=frozenset({"complete", "diagnosis_recorded", "escalate",
                                           "inspect"}),
                        evidence=True),
    )
