"""Human names of the carriers app's events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "booked": _("Shipment booked"),
    "cancelled": _("Shipment cancelled"),
    "tracking": _("Tracking news"),
}
