"""Human names of the payments app's events (hotline.names)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "start": _("Payment started"),
    "succeed": _("Payment received"),
    "fail": _("Payment failed"),
    "refund_all": _("Payment refunded"),
    "refund_part": _("Payment partly refunded"),
}
