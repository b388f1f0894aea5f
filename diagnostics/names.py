"""Human names of the diagnostics app's timeline events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

from diagnostics.models import FaultCode

EVENTS = {
    "diagnosis_started": _("Diagnostic script started"),
    "diagnosis_went_back": _("Diagnostic script went back a step"),
    "abandon": _("Diagnostic script abandoned"),
    "script_published": _("Script published"),
}


def fault_description(text: str) -> str | None:
    """A fault code's English description (stored in a decision's reasons) in the active
    language; None when `text` describes no fault."""
    if " " not in text.strip():
        return None  # a code or a word, never a description: no query
    fault = FaultCode.objects.filter(description_en=text).first()
    return fault.description if fault is not None else None
