"""Human names of the diagnostics app's timeline events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "diagnosis_started": _("Diagnostic script started"),
    "diagnosis_went_back": _("Diagnostic script went back a step"),
    "abandon": _("Diagnostic script abandoned"),
    "script_published": _("Script published"),
}
