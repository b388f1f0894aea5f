"""Human names of the calls app's events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "call_linked": _("Call linked"),
}
