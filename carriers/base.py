"""What every adapter shares: options, webhook verification, and check digits."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from carriers.signing import signature_verify


class BaseCarrier:
    code = ""
    name = ""

    def __init__(self, *, options: Mapping | None = None):
        self.options = dict(options or {})

    @property
    def webhook_secret(self) -> str:
        return self.options.get("webhook_secret") or ""

    def public_tracking_url(self, tracking_number: str) -> str:
        """Return the carrier's public tracking page for a parcel; "" when it has none."""
        return ""

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> None:
        """Raise WebhookRejected unless the request is signed with this carrier's secret."""
        signature_verify(secret=self.webhook_secret, body=body, headers=headers,
                         tolerance=settings.HOTLINE_CARRIER_WEBHOOK_TOLERANCE)


def luhn_digit(digits: str) -> str:
    """Return the Luhn check digit for a string of digits."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def dhl_express_check_digit(first_nine: str) -> str:
    """Return the mod-7 check digit of a 10-digit DHL Express waybill."""
    return str(int(first_nine) % 7)


def dhl_express_waybill_is_valid(number: str) -> bool:
    number = (number or "").strip()
    return len(number) == 10 and number.isdigit() and \
        dhl_express_check_digit(number[:9]) == number[9]
