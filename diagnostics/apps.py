from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from diagnostics.capabilities import VIEW_SCRIPTS
from hotline.navigation import NavItem


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostics")
    default_auto_field = "django.db.models.BigAutoField"
    human_names = "diagnostics.names"  # timeline events and messages by name (hotline.names)
    # A fault's English description in a stored sentence, in the reader's language (hotline.i18n).
    stored_values = ("diagnostics.names.fault_description",)
    nav_items = (NavItem(_("Scripts"), "diagnostics:scripts", VIEW_SCRIPTS, order=60,
                         group="quality"),)
    case_panels = ("diagnostics.panels.case_panel",)
