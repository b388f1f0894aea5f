"""Human names of the carriers app's events (hotline.names)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carriers.registry import REGISTRY

EVENTS = {
    "booked": _("Shipment booked"),
    "cancelled": _("Shipment cancelled"),
    "tracking": _("Tracking news"),
}


def carrier_name(text: str) -> str | None:
    """A courier's code stored as who acted ("sandbox") as its name in the active language;
    None when `text` is no courier's code."""
    carrier = REGISTRY.all().get(text)
    return gettext(carrier.name) if carrier is not None and carrier.name else None
