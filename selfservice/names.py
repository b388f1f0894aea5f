"""Human names of the self-service app's events and messages (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "customer_asked": _("Customer asked a question"),
    "customer_answered": _("Customer answered"),
    "visit_window_confirmed": _("Customer confirmed the visit window"),
}

MESSAGES = {
    "followup_received": _("Question received"),
    "followup_answered": _("Question answered"),
}
