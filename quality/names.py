"""Human names of the quality app's events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "acknowledge": _("Alert acknowledged"),
    "alert_raised": _("Alert raised"),
    "alert_assigned": _("Alert assigned"),
    "alert_note": _("Note on the alert"),
}
