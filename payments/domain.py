"""The payment provider contract: plain data in and out, and the errors.

Payments knows nothing of cases, quotes or swaps: it takes money for a `subject` (an opaque
"app.model:pk" string chosen by the caller) and tells the apps that subscribed
(`payment_subscribers` on their AppConfig) when a payment succeeds, fails or is refunded.
Providers translate their API to and from these types.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.errors import DomainError
from hotline.httpclient import RemoteError

#: Currencies whose smallest unit is the unit itself (ISO 4217 exponent 0), as Stripe lists them.
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                          "UGX", "VND", "VUV", "XAF", "XOF", "XPF"})


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("created")
    PENDING = "pending", _("waiting for the customer")
    SUCCEEDED = "succeeded", _("paid")
    FAILED = "failed", _("failed")
    CANCELED = "canceled", _("abandoned")
    PARTIALLY_REFUNDED = "partially_refunded", _("partly refunded")
    REFUNDED = "refunded", _("refunded")


class Purpose(models.TextChoices):
    QUOTE = "quote", _("accepted quote")
    CHARGE = "charge", _("charge")


class RefundReason(models.TextChoices):
    LOST_PARCEL = "lost_parcel", _("parcel lost: the customer chose a refund")
    OVERCHARGE = "overcharge", _("overcharge")
    SERVICE_CANCELLED = "service_cancelled", _("service cancelled")
    GOODWILL = "goodwill", _("goodwill gesture")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("refunded")
    FAILED = "failed", _("failed")


class EventKind(models.TextChoices):
    """What a provider told us, whatever it calls it (a closed vocabulary)."""

    SUCCEEDED = "succeeded", _("payment succeeded")
    FAILED = "failed", _("payment failed")
    CANCELED = "canceled", _("payment abandoned")
    REFUND_SUCCEEDED = "refund_succeeded", _("refund succeeded")
    REFUND_FAILED = "refund_failed", _("refund failed")


class PaymentError(DomainError):
    """A payment use case refused (amount, state, provider)."""


class ProviderError(RemoteError):
    """A provider call failed; `permanent` says whether retrying could help."""


class WebhookRejected(Exception):
    """A provider's push is not signed, not by the provider, or not recently."""


class UnknownProvider(Exception):
    pass


def to_minor(amount: Decimal, currency: str) -> int:
    """Return the amount in the currency's smallest unit (cents), as providers want it."""
    exponent = 0 if currency.upper() in ZERO_DECIMAL else 2
    return int((amount * 10 ** exponent).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor(value: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL else 2
    return (Decimal(value) / 10 ** exponent).quantize(Decimal(1) / 10 ** exponent)


@dataclass(frozen=True)
class IntentRequest:
    """Ask the provider to take `amount` from the customer on its own payment page."""

    reference: str
    amount: Decimal
    currency: str
    description: str
    return_url: str
    cancel_url: str
    idempotency_key: str
    customer_email: str = ""
    locale: str = "en"
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Intent:
    provider_ref: str
    redirect_url: str


@dataclass(frozen=True)
class RefundRequest:
    reference: str
    payment_ref: str
    amount: Decimal
    currency: str
    reason: str
    idempotency_key: str


@dataclass(frozen=True)
class RefundResult:
    provider_ref: str
    status: RefundStatus
    message: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """One thing that happened at the provider, in our vocabulary."""

    event_id: str
    kind: EventKind
    reference: str  # our payment reference (or refund reference for refund events)
    occurred_at: datetime.datetime
    provider_ref: str = ""  # the provider's id of the payment (for refunds later)
    amount: Decimal | None = None
    currency: str = ""
    message: str = ""
