"""The carrier contract: the closed tracking vocabulary, frozen dataclasses in and out, errors.

Everything here is plain data: adapters translate a courier's API to and from these types,
and the rest of Hotline only ever sees them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingStatus(models.TextChoices):
    """What happened to a parcel, whatever the courier calls it (a closed vocabulary)."""

    BOOKED = "booked", _("booked")
    PICKED_UP = "picked_up", _("picked up")
    IN_TRANSIT = "in_transit", _("in transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
    DELIVERED = "delivered", _("delivered")
    DELIVERY_FAILED = "delivery_failed", _("delivery failed")
    HELD_AT_DEPOT = "held_at_depot", _("held at depot")
    RETURNED_TO_SENDER = "returned_to_sender", _("returned to sender")
    LOST = "lost", _("lost")
    EXCEPTION = "exception", _("exception")


class FailureReason(models.TextChoices):
    """Why a delivery failed (only with TrackingStatus.DELIVERY_FAILED)."""

    RECIPIENT_ABSENT = "recipient_absent", _("recipient absent")
    ADDRESS_PROBLEM = "address_problem", _("address problem")
    REFUSED = "refused", _("refused")
    DAMAGED = "damaged", _("damaged")


class Service(models.TextChoices):
    """The service level asked of the courier."""

    NEXT_DAY = "next_day", _("next day")
    NEXT_DAY_NOON = "next_day_noon", _("next day before noon")
    NEXT_DAY_9 = "next_day_9", _("next day before 9:00")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("outbound (to the customer)")
    RETURN = "return", _("return (collected from the customer)")


#: Statuses after which nothing the courier says moves the shipment again.
FINAL_STATUSES = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER})

#: How far along the journey a status is; breaks ties between events stamped the same second.
STATUS_RANK = {
    TrackingStatus.BOOKED: 0,
    TrackingStatus.PICKED_UP: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.EXCEPTION: 2,
    TrackingStatus.HELD_AT_DEPOT: 3,
    TrackingStatus.OUT_FOR_DELIVERY: 3,
    TrackingStatus.DELIVERY_FAILED: 4,
    TrackingStatus.LOST: 4,
    TrackingStatus.DELIVERED: 5,
    TrackingStatus.RETURNED_TO_SENDER: 5,
}


class CarrierError(Exception):
    """A courier refused or failed. `permanent` says whether trying again could help."""

    def __init__(self, message: str, *, permanent: bool, status_code: int | None = None,
                 details: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code
        self.details = tuple(details)

    def __str__(self):
        return self.message


class UnknownCarrier(CarrierError):
    def __init__(self, message: str):
        super().__init__(message, permanent=True)


class WebhookRejected(CarrierError):
    """A webhook whose signature is missing, wrong or too old: answer 401, store nothing."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True, status_code=401)


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    street2: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: Mapping) -> Address:
        return cls(**{k: data.get(k, "") for k in cls.__dataclass_fields__})

    def lines(self) -> list[str]:
        found = [self.company, self.name, self.street, self.street2,
                 f"{self.postcode} {self.city}", self.country]
        return [line for line in found if line and line.strip()]


@dataclass(frozen=True)
class Parcel:
    weight_kg: Decimal
    length_cm: int
    width_cm: int
    height_cm: int
    contents: str
    contains_lithium: bool = True

    def as_dict(self) -> dict:
        return {"weight_kg": str(self.weight_kg), "length_cm": self.length_cm,
                "width_cm": self.width_cm, "height_cm": self.height_cm,
                "contents": self.contents, "contains_lithium": self.contains_lithium}

    @classmethod
    def from_dict(cls, data: Mapping) -> Parcel:
        return cls(weight_kg=Decimal(str(data["weight_kg"])), length_cm=int(data["length_cm"]),
                   width_cm=int(data["width_cm"]), height_cm=int(data["height_cm"]),
                   contents=data.get("contents", ""),
                   contains_lithium=bool(data.get("contains_lithium", True)))


@dataclass(frozen=True)
class ReturnCollection:
    """A parcel the courier collects at the recipient's address in the same visit."""

    parcels: tuple[Parcel, ...]
    return_to: Address


@dataclass(frozen=True)
class BookingRequest:
    sender: Address
    recipient: Address
    parcels: tuple[Parcel, ...]
    service: str
    reference: str
    idempotency_key: str
    ship_date: datetime.date
    return_collection: ReturnCollection | None = None
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    kind: str  # "label", "waybill", "return_label", ...
    format: str  # "pdf" or "zpl"
    content: bytes


@dataclass(frozen=True)
class BookedShipment:
    direction: str
    tracking_number: str
    piece_numbers: tuple[str, ...] = ()
    carrier_reference: str = ""  # e.g. the courier's pickup confirmation number
    documents: tuple[Document, ...] = ()
    tracking_number_valid: bool = True
    booked_at: datetime.datetime | None = None  # when the courier took it, if it says


@dataclass(frozen=True)
class Booking:
    outbound: BookedShipment
    collection: BookedShipment | None = None


@dataclass(frozen=True)
class CarrierEvent:
    """One normalised tracking event, with the courier's own code and words."""

    tracking_number: str
    status: str
    occurred_at: datetime.datetime
    raw_code: str
    raw_text: str
    location: str = ""
    reason: str = ""
    event_id: str = ""

    @property
    def dedupe_key(self) -> str:
        """Return a key that is the same each time the courier reports this event."""
        if self.event_id:
            return self.event_id[:64]
        moment = self.occurred_at.astimezone(datetime.UTC).isoformat()
        basis = "|".join([self.tracking_number, self.raw_code, moment, self.location,
                          self.raw_text])
        return hashlib.sha256(basis.encode()).hexdigest()[:64]


@runtime_checkable
class Carrier(Protocol):
    """What every courier adapter offers. Adapters are built by the registry with options."""

    code: str
    name: str

    def book(self, request: BookingRequest) -> Booking: ...

    def labels(self, tracking_number: str, *, format: str = "pdf") -> list[Document]: ...

    def track(self, tracking_numbers: Sequence[str]) -> list[CarrierEvent]: ...

    def cancel(self, *, tracking_number: str, carrier_reference: str = "") -> None: ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CarrierEvent]: ...

    def tracking_number_is_valid(self, number: str) -> bool: ...

    def public_tracking_url(self, tracking_number: str) -> str:
        """Return the carrier's public tracking page for a parcel, or "" if it has none."""
        ...
