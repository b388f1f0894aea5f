"""The sandbox courier: a deterministic simulated courier for the demo and the tests.

It books at once, issues tracking numbers `HS` + 9 digits + a Luhn check digit (derived from
the booking's idempotency key, so asking twice gives the same parcel), and tells each parcel's
story over simulated time: its events fall due at fixed offsets from the booking, and
`carriers.services.sandbox_advance()` pushes the due ones, as signed webhooks, through the
same ingestion path a real courier's webhooks take. `track()` (polling) answers with the
events already due.

Scenarios: normal (next-day delivery), late, recipient_absent, depot_hold, return_to_sender,
lost, damaged, refused; chosen per shipment (`options={"scenario": ...}`) or by a seeded
random mix (`SANDBOX_MIX="normal=80,recipient_absent=10,..."`, `SANDBOX_SEED`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_noop as N_

from carriers import labels
from carriers.base import BaseCarrier, luhn_digit
from carriers.domain import (
    Address,
    BookedShipment,
    Booking,
    BookingRequest,
    CarrierError,
    CarrierEvent,
    Direction,
    Document,
    FailureReason,
    TrackingStatus,
)
from carriers.models import SandboxParcel
from carriers.signing import HEADER, signature_make
from hotline import jsonsafe

S = TrackingStatus
H = datetime.timedelta(hours=1)

SCENARIOS = ("normal", "late", "recipient_absent", "depot_hold", "return_to_sender", "lost",
             "damaged", "refused")


@dataclass(frozen=True)
class Step:
    after: datetime.timedelta
    status: str
    code: str
    text: str
    where: str  # "origin", "hub", "depot" or "door"
    reason: str = ""


_PICKUP = Step(3 * H, S.PICKED_UP, "SB-PU", N_("Parcel picked up from the sender"), "origin")
_HUB = Step(6 * H, S.IN_TRANSIT, "SB-HUB", N_("Sorted at the national hub"), "hub")
_DEPOT = Step(14 * H, S.IN_TRANSIT, "SB-DEP", N_("Arrived at the delivery depot"), "depot")
_OFD = Step(20 * H, S.OUT_FOR_DELIVERY, "SB-OFD", N_("Out for delivery"), "depot")

OUTBOUND = {
    "normal": [_PICKUP, _HUB, _DEPOT, _OFD,
               Step(23 * H, S.DELIVERED, "SB-DLV", N_("Delivered to the recipient"), "door")],
    "late": [_PICKUP, _HUB,
             Step(14 * H, S.IN_TRANSIT, "SB-DLY", N_("Delayed: missed the linehaul connection"), "hub"),
             Step(30 * H, S.IN_TRANSIT, "SB-DEP", N_("Arrived at the delivery depot"), "depot"),
             Step(44 * H, S.OUT_FOR_DELIVERY, "SB-OFD", N_("Out for delivery"), "depot"),
             Step(47 * H, S.DELIVERED, "SB-DLV", N_("Delivered to the recipient"), "door")],
    "recipient_absent": [
        _PICKUP, _HUB, _DEPOT, _OFD,
        Step(22 * H, S.DELIVERY_FAILED, "SB-NH", N_("Recipient absent, card left"), "door",
             FailureReason.RECIPIENT_ABSENT),
        Step(24 * H, S.HELD_AT_DEPOT, "SB-HLD", N_("Held at depot for redelivery"), "depot"),
        Step(44 * H, S.OUT_FOR_DELIVERY, "SB-OFD", N_("Out for delivery (second attempt)"), "depot"),
        Step(46 * H, S.DELIVERED, "SB-DLV", N_("Delivered to the recipient"), "door")],
    "depot_hold": [
        _PICKUP, _HUB, _DEPOT,
        Step(20 * H, S.HELD_AT_DEPOT, "SB-HLD", N_("Held at depot: awaiting collection"), "depot"),
        Step(50 * H, S.DELIVERED, "SB-COL", N_("Collected by the recipient at the depot"), "depot")],
    "return_to_sender": [
        _PICKUP, _HUB, _DEPOT, _OFD,
        Step(22 * H, S.DELIVERY_FAILED, "SB-BA", N_("Address not found"), "door",
             FailureReason.ADDRESS_PROBLEM),
        Step(24 * H, S.HELD_AT_DEPOT, "SB-HLD", N_("Held at depot: address being checked"), "depot"),
        Step(72 * H, S.RETURNED_TO_SENDER, "SB-RTS", N_("Returned to the sender"), "origin")],
    "lost": [_PICKUP, _HUB,
             Step(30 * H, S.EXCEPTION, "SB-TRC", N_("Parcel not scanned at depot: search opened"),
                  "hub"),
             Step(96 * H, S.LOST, "SB-LOST", N_("Declared lost after search"), "hub")],
    "damaged": [
        _PICKUP, _HUB, _DEPOT, _OFD,
        Step(21 * H, S.DELIVERY_FAILED, "SB-DMG", N_("Parcel damaged: not delivered"), "door",
             FailureReason.DAMAGED),
        Step(70 * H, S.RETURNED_TO_SENDER, "SB-RTS", N_("Returned to the sender"), "origin")],
    "refused": [
        _PICKUP, _HUB, _DEPOT, _OFD,
        Step(22 * H, S.DELIVERY_FAILED, "SB-RD", N_("Delivery refused by the recipient"), "door",
             FailureReason.REFUSED),
        Step(70 * H, S.RETURNED_TO_SENDER, "SB-RTS", N_("Returned to the sender"), "origin")],
}

_COLLECTED = [
    Step(23 * H, S.PICKED_UP, "SB-COLL", N_("Return parcel collected from the customer"), "door"),
    Step(28 * H, S.IN_TRANSIT, "SB-DEP", N_("Arrived at the collection depot"), "depot"),
    Step(36 * H, S.IN_TRANSIT, "SB-HUB", N_("Sorted at the national hub"), "hub"),
    Step(44 * H, S.OUT_FOR_DELIVERY, "SB-OFD", N_("Out for delivery to the returns centre"), "hub"),
    Step(47 * H, S.DELIVERED, "SB-DLV", N_("Delivered to the returns centre"), "origin"),
]
_NOT_COLLECTED = [Step(22 * H, S.EXCEPTION, "SB-NC",
                       N_("Not collected: the delivery visit did not take place"), "door")]
#: What happens to the faulty unit collected in the same visit, by the delivery's scenario.
COLLECTION = {
    "normal": _COLLECTED,
    "late": [Step(s.after + 24 * H, s.status, s.code, s.text, s.where) for s in _COLLECTED],
    "recipient_absent": [
        Step(22 * H, S.EXCEPTION, "SB-NC", N_("Collection attempt failed: nobody home"), "door"),
        *[Step(s.after + 23 * H, s.status, s.code, s.text, s.where) for s in _COLLECTED]],
    "depot_hold": _NOT_COLLECTED,
    "return_to_sender": _NOT_COLLECTED,
    "lost": _NOT_COLLECTED,
    "damaged": _NOT_COLLECTED,
    "refused": _NOT_COLLECTED,
}


class SandboxCarrier(BaseCarrier):
    code = "sandbox"
    name = gettext_noop("Sandbox courier")  # translated where shown (carriers.names)

    @property
    def webhook_secret(self) -> str:
        configured = self.options.get("webhook_secret")
        if configured:
            return configured
        return hmac.new(settings.SECRET_KEY.encode(), b"carriers-sandbox-webhook",
                        hashlib.sha256).hexdigest()

    # --- numbers and scenarios -------------------------------------------------------------
    @staticmethod
    def tracking_number_for(key: str, direction: str) -> str:
        digest = hashlib.sha256(f"{key}|{direction}".encode()).hexdigest()
        body = f"{int(digest, 16) % 10**9:09d}"
        return f"HS{body}{luhn_digit(body)}"

    def tracking_number_is_valid(self, number: str) -> bool:
        number = (number or "").strip().upper()
        return (len(number) == 12 and number.startswith("HS") and number[2:].isdigit()
                and luhn_digit(number[2:11]) == number[11])

    def scenario_for(self, request: BookingRequest) -> str:
        asked = request.options.get("scenario")
        if asked:
            if asked not in SCENARIOS:
                raise CarrierError(f"Unknown sandbox scenario {asked!r}; known: "
                                   f"{', '.join(SCENARIOS)}.", permanent=True)
            return asked
        mix = _parse_mix(self.options.get("mix") or "")
        if not mix:
            return "normal"
        rng = random.Random(f"{self.options.get('seed', 'hotline')}|{request.idempotency_key}")
        names, weights = zip(*mix, strict=True)
        return rng.choices(names, weights=weights)[0]

    # --- the protocol ----------------------------------------------------------------------
    def book(self, request: BookingRequest) -> Booking:
        scenario = self.scenario_for(request)
        now = timezone.now()
        # Demo data may start a parcel's story in the past, so that it shows progress at once.
        backdate = float(request.options.get("backdate_hours") or 0)
        now -= datetime.timedelta(hours=max(0.0, min(backdate, 24 * 14)))
        _check_address(request.recipient, "recipient")
        outbound = self._register(request, Direction.OUTBOUND, scenario, now, request.sender,
                                  request.recipient, request.parcels)
        collection = None
        if request.return_collection is not None:
            collection = self._register(
                request, Direction.RETURN, scenario, now, request.recipient,
                request.return_collection.return_to, request.return_collection.parcels)
        return Booking(outbound=outbound, collection=collection)

    def _register(self, request, direction, scenario, now, sender: Address, recipient: Address,
                  parcels) -> BookedShipment:
        number = self.tracking_number_for(request.idempotency_key, direction)
        details = {"sender": sender.as_dict(), "recipient": recipient.as_dict(),
                   "service": request.service, "reference": request.reference,
                   "weight_kg": str(sum(p.weight_kg for p in parcels)),
                   "lithium": any(p.contains_lithium for p in parcels)}
        parcel, _ = SandboxParcel.objects.get_or_create(
            tracking_number=number,
            defaults={"direction": direction, "scenario": scenario, "booked_at": now,
                      "details": details})
        return BookedShipment(direction=direction, tracking_number=number,
                              piece_numbers=(number,), carrier_reference=f"SBX-{number[2:]}",
                              documents=tuple(self._documents(parcel)),
                              booked_at=parcel.booked_at)

    def _documents(self, parcel, formats=("pdf", "zpl")) -> list[Document]:
        data = labels.LabelData(
            tracking_number=parcel.tracking_number, carrier_name=self.name,
            service=parcel.details.get("service", ""),
            sender=Address.from_dict(parcel.details["sender"]),
            recipient=Address.from_dict(parcel.details["recipient"]),
            weight_kg=parcel.details.get("weight_kg", "0"),
            reference=parcel.details.get("reference", ""),
            lithium=parcel.details.get("lithium", True),
            is_return=parcel.direction == Direction.RETURN)
        found = []
        if "pdf" in formats:
            found.append(Document("label", "pdf", labels.render_label_pdf(data)))
        if "zpl" in formats:
            found.append(Document("label", "zpl", labels.render_label_zpl(data).encode()))
        return found

    def labels(self, tracking_number: str, *, format: str = "pdf") -> list[Document]:
        return self._documents(self._parcel(tracking_number), formats=(format,))

    def track(self, tracking_numbers: Sequence[str]) -> list[CarrierEvent]:
        now = timezone.now()
        found = []
        for parcel in SandboxParcel.objects.filter(tracking_number__in=list(tracking_numbers)):
            found.extend(event for event in self.timeline(parcel) if event.occurred_at <= now)
        return found

    def cancel(self, *, tracking_number: str, carrier_reference: str = "") -> None:
        parcel = self._parcel(tracking_number)
        if any(event.status != S.BOOKED and event.occurred_at <= timezone.now()
               for event in self.timeline(parcel)):
            raise CarrierError(f"Parcel {tracking_number} has already been picked up: it can "
                               "no longer be cancelled.", permanent=True)
        parcel.cancelled = True
        parcel.save(update_fields=["cancelled"])

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CarrierEvent]:
        self.verify_webhook(body=body, headers=headers)
        try:
            payload = jsonsafe.loads(body)
            return [CarrierEvent(
                tracking_number=item["tracking_number"], status=item["status"],
                occurred_at=parse_datetime(item["occurred_at"]), raw_code=item["code"],
                raw_text=item["text"], location=item.get("location", ""),
                reason=item.get("reason", ""), event_id=item.get("event_id", ""))
                for item in payload["events"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise CarrierError(f"Malformed sandbox webhook: {exc}", permanent=True,
                               status_code=400) from None

    # --- simulated time --------------------------------------------------------------------
    def timeline(self, parcel) -> list[CarrierEvent]:
        """Return the parcel's whole story, due or not (nothing after a cancellation)."""
        if parcel.cancelled:
            return []
        table = OUTBOUND if parcel.direction == Direction.OUTBOUND else COLLECTION
        recipient = parcel.details.get("recipient", {})
        sender = parcel.details.get("sender", {})
        places = {"origin": f"{sender.get('city', '')} ({sender.get('country', '')})",
                  "hub": N_("National hub"),
                  "depot": N_("%(city)s depot") % {"city": recipient.get("city", "")},
                  "door": f"{recipient.get('postcode', '')} {recipient.get('city', '')}"}
        return [CarrierEvent(
            tracking_number=parcel.tracking_number, status=step.status,
            occurred_at=parcel.booked_at + step.after, raw_code=step.code, raw_text=step.text,
            location=places[step.where].strip(), reason=step.reason,
            event_id=f"{parcel.tracking_number}-{index}")
            for index, step in enumerate(table[parcel.scenario])]

    def due_webhooks(self, *, until: datetime.datetime) -> list[tuple[bytes, dict, int, int]]:
        """Return signed webhook requests for the events due by `until`, not yet pushed:
        (body, headers, parcel id, how many of its events are pushed once this one is)."""
        found = []
        with transaction.atomic():
            for parcel in SandboxParcel.objects.filter(cancelled=False, booked_at__lte=until):
                story = self.timeline(parcel)
                due = [e for e in story[parcel.released:] if e.occurred_at <= until]
                if not due:
                    continue
                body = json.dumps({"events": [{
                    "tracking_number": e.tracking_number, "status": e.status,
                    "occurred_at": e.occurred_at.isoformat(), "code": e.raw_code,
                    "text": e.raw_text, "location": e.location, "reason": e.reason,
                    "event_id": e.event_id} for e in due]}).encode()
                headers = {HEADER: signature_make(secret=self.webhook_secret, body=body)}
                found.append((body, headers, parcel.pk, parcel.released + len(due)))
        return found

    def _parcel(self, tracking_number: str):
        parcel = SandboxParcel.objects.filter(tracking_number=tracking_number).first()
        if parcel is None:
            raise CarrierError(f"The sandbox courier has no parcel {tracking_number}.",
                               permanent=True, status_code=404)
        return parcel


def _check_address(address: Address, role: str) -> None:
    missing = [name for name in ("name", "street", "postcode", "city", "country")
               if not getattr(address, name).strip()]
    if missing:
        raise CarrierError(f"The {role}'s address lacks: {', '.join(missing)}.", permanent=True,
                           status_code=400)


def _parse_mix(text: str) -> list[tuple[str, float]]:
    found = []
    for item in text.split(","):
        if not item.strip():
            continue
        name, _, weight = item.partition("=")
        name = name.strip()
        if name not in SCENARIOS:
            raise CarrierError(f"SANDBOX_MIX names an unknown scenario {name!r}.", permanent=True)
        try:
            found.append((name, float(weight or 1)))
        except ValueError:
            raise CarrierError(f"SANDBOX_MIX gives {name!r} a weight that is not a number: "
                               f"{weight!r}.", permanent=True) from None
    return found
