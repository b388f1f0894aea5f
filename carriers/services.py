"""Use cases of the carriers app: book, ingest tracking, poll, cancel, advance the sandbox.

Carriers knows nothing of cases or swaps. A consumer books with `shipment_book(...)` (with an
idempotency key, so a retried booking never books twice) and hears about status changes
through subscribers: dotted paths to `callback(shipment, event)`, listed in an AppConfig's
`carrier_subscribers` or in settings.HOTLINE_CARRIER_SUBSCRIBERS, each called after commit
through the transactional outbox (one message per ingested batch and subscriber). Tracking
ingestion itself lives in `carriers.ingestion`.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop as N_

from carriers import labels
from carriers.domain import (
    Address,
    BookedShipment,
    BookingRequest,
    CarrierError,
    Direction,
    Parcel,
    ReturnCollection,
    Service,
    TrackingStatus,
)
from carriers.ingestion import IngestResult, tracking_ingest
from carriers.models import SandboxParcel, Shipment, ShipmentStatus, TrackingEvent
from carriers.registry import carrier_get, carriers_all
from carriers.validation import events_checked
from hotline.workflow import record_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookingResult:
    outbound: Shipment
    collection: Shipment | None
    created: bool


# --- booking -------------------------------------------------------------------------------
def shipment_book(
    *, carrier: str, sender: Address, recipient: Address, parcels: Sequence[Parcel],
    service: str, reference: str, idempotency_key: str, return_parcels: Sequence[Parcel] = (),
    return_to: Address | None = None, ship_date: datetime.date | None = None,
    language: str = "", options: Mapping[str, str] | None = None, actor=None,
) -> BookingResult:
    """Book a delivery (and, with `return_parcels`, the collection of a return parcel at the
    recipient's address in the same visit); persist the Shipment(s) with their labels.

    Calling again with the same `idempotency_key` returns what the first call booked."""
    if not parcels:
        raise CarrierError("A shipment needs at least one parcel.", permanent=True)
    if service not in Service.values:
        raise CarrierError(f"Unknown service {service!r}; known: {', '.join(Service.values)}.",
                           permanent=True)
    if return_parcels and return_to is None:
        raise CarrierError("A return collection needs the address to return to.",
                           permanent=True)
    if not idempotency_key or len(idempotency_key) > 100:
        raise CarrierError("An idempotency key of 1 to 100 characters is required.",
                           permanent=True)
    adapter = carrier_get(carrier)
    existing = _existing_booking(idempotency_key)
    if existing is not None:
        return existing
    ship_date = ship_date or timezone.localdate()
    rows = _reserve(carrier=carrier, service=service, reference=reference, key=idempotency_key,
                    sender=sender, recipient=recipient, parcels=parcels,
                    return_parcels=return_parcels, return_to=return_to, ship_date=ship_date)
    request = BookingRequest(
        sender=sender, recipient=recipient, parcels=tuple(parcels), service=service,
        reference=reference, idempotency_key=idempotency_key, ship_date=ship_date,
        return_collection=ReturnCollection(tuple(return_parcels), return_to)
        if return_parcels else None,
        options=dict(options or {}))
    try:
        booking = adapter.book(request)
    except CarrierError as exc:
        Shipment.objects.filter(pk__in=[row.pk for row in rows.values()]).delete()
        log.warning("carrier booking failed", extra={
            "carrier": carrier, "reference": reference, "permanent": exc.permanent,
            "error": exc.message})
        raise
    with transaction.atomic():
        outbound = _confirm(rows[Direction.OUTBOUND], booking.outbound, adapter, actor)
        collection = None
        if booking.collection is not None and Direction.RETURN in rows:
            collection = _confirm(rows[Direction.RETURN], booking.collection, adapter, actor)
            outbound.visit_partner = collection
            collection.visit_partner = outbound
            collection.save(update_fields=["visit_partner"])
        _attach_slip(outbound, collection, adapter, language or settings.LANGUAGE_CODE)
        outbound.save()
    log.info("carrier booking made", extra={
        "carrier": carrier, "reference": reference, "tracking_number": outbound.tracking_number,
        "return_tracking_number": collection.tracking_number if collection else ""})
    return BookingResult(outbound=outbound, collection=collection, created=True)


def _existing_booking(key: str) -> BookingResult | None:
    rows = {row.direction: row for row in Shipment.objects.filter(booking_key=key)}
    outbound = rows.get(Direction.OUTBOUND)
    if outbound is None:
        return None
    if outbound.status != ShipmentStatus.PENDING:
        return BookingResult(outbound=outbound, collection=rows.get(Direction.RETURN),
                             created=False)
    # A pending booking older than CARRIER_BOOKING_PENDING_SECONDS is taken as crashed (the
    # worker died waiting for the courier) and may be tried again; the adapter then finds
    # what the courier made of the first try (MyDHL: by the booking's reference).
    stale_after = datetime.timedelta(seconds=settings.HOTLINE_CARRIER_BOOKING_PENDING_SECONDS)
    if timezone.now() - outbound.booking_started_at < stale_after:
        raise CarrierError("A booking with this key is already in progress; try again shortly.",
                           permanent=False)
    # The earlier attempt died between asking the courier and recording the answer.
    log.warning("stale pending booking discarded", extra={"booking_key": key})
    Shipment.objects.filter(booking_key=key, status=ShipmentStatus.PENDING).delete()
    return None


def _reserve(*, carrier, service, reference, key, sender, recipient, parcels, return_parcels,
             return_to, ship_date) -> dict[str, Shipment]:
    common = {"carrier": carrier, "service": service, "reference": reference[:60],
              "booking_key": key, "ship_date": ship_date, "status": ShipmentStatus.PENDING}
    try:
        with transaction.atomic():
            rows = {Direction.OUTBOUND: Shipment.objects.create(
                direction=Direction.OUTBOUND, sender=sender.as_dict(),
                recipient=recipient.as_dict(), parcels=[p.as_dict() for p in parcels],
                **common)}
            if return_parcels:
                rows[Direction.RETURN] = Shipment.objects.create(
                    direction=Direction.RETURN, sender=recipient.as_dict(),
                    recipient=return_to.as_dict(),
                    parcels=[p.as_dict() for p in return_parcels], **common)
    except IntegrityError:
        raise CarrierError("A booking with this key is already in progress; try again shortly.",
                           permanent=False) from None
    return rows


def _confirm(shipment: Shipment, booked: BookedShipment, adapter, actor) -> Shipment:
    now = min(booked.booked_at or timezone.now(), timezone.now())
    shipment.tracking_number = booked.tracking_number
    shipment.tracking_number_valid = booked.tracking_number_valid and \
        adapter.tracking_number_is_valid(booked.tracking_number)
    shipment.piece_numbers = list(booked.piece_numbers)
    shipment.carrier_reference = booked.carrier_reference[:60]
    shipment.status = ShipmentStatus.BOOKED
    shipment.status_at = now
    shipment.booked_at = now
    _attach_labels(shipment, booked, adapter)
    shipment.save()
    TrackingEvent.objects.create(
        shipment=shipment, status=TrackingStatus.BOOKED, raw_code="BOOKED",
        raw_text=N_("Booked with %(carrier)s") % {"carrier": adapter.name}, occurred_at=now,
        source=TrackingEvent.Source.BOOKING, dedupe_key=f"booked-{booked.tracking_number}"[:64],
        applied=True)
    record_event(shipment, action="booked", actor=actor, actor_label=adapter.code,
                 target=ShipmentStatus.BOOKED,
                 data={"carrier": adapter.code, "tracking_number": booked.tracking_number,
                       "direction": shipment.direction, "reference": shipment.reference})
    if not shipment.tracking_number_valid:
        log.warning("booked tracking number fails its check", extra={
            "carrier": adapter.code, "tracking_number": booked.tracking_number})
    return shipment


def _label_data(shipment: Shipment, adapter) -> labels.LabelData:
    parcels = shipment.parcel_list
    return labels.LabelData(
        tracking_number=shipment.tracking_number, carrier_name=adapter.name,
        service=shipment.service, sender=shipment.sender_address,
        recipient=shipment.recipient_address, weight_kg=str(shipment.total_weight_kg),
        reference=shipment.reference, lithium=any(p.contains_lithium for p in parcels),
        is_return=shipment.direction == Direction.RETURN, parcel_count=len(parcels),
        ship_date=shipment.ship_date)


def _attach_labels(shipment: Shipment, booked: BookedShipment, adapter) -> None:
    number = shipment.tracking_number
    data = _label_data(shipment, adapter)
    shipment.label_pdf.save(f"{number}-label.pdf", ContentFile(labels.render_label_pdf(data)),
                            save=False)
    carrier_pdf = next((d for d in booked.documents if d.format == "pdf"
                        and d.kind in ("label", "waybillDoc")), None)
    if carrier_pdf is not None:
        shipment.carrier_label.save(f"{number}-{adapter.code}.pdf",
                                    ContentFile(carrier_pdf.content), save=False)
    carrier_zpl = next((d for d in booked.documents if d.format == "zpl"), None)
    zpl = carrier_zpl.content if carrier_zpl else labels.render_label_zpl(data).encode()
    shipment.label_zpl.save(f"{number}-label.zpl", ContentFile(zpl), save=False)


def _attach_slip(outbound: Shipment, collection: Shipment | None, adapter,
                 language: str) -> None:
    slip = labels.render_slip_pdf(labels.SlipData(
        customer=outbound.recipient_address, language=language,
        delivery_tracking_number=outbound.tracking_number,
        return_tracking_number=collection.tracking_number if collection else "",
        carrier_name=adapter.name, service=outbound.service, reference=outbound.reference,
        ship_date=outbound.ship_date))
    outbound.slip_pdf.save(f"{outbound.tracking_number}-slip.pdf", ContentFile(slip),
                           save=False)


# --- cancelling ----------------------------------------------------------------------------
def shipment_cancel(*, shipment: Shipment, actor=None, reason: str = "") -> Shipment:
    """Cancel a shipment the courier has not picked up yet."""
    if shipment.status != ShipmentStatus.BOOKED:
        raise CarrierError(f"Shipment {shipment.tracking_number} is "
                           f"{shipment.get_status_display()}: only a booked shipment not yet "
                           "picked up can be cancelled.", permanent=True)
    carrier_get(shipment.carrier).cancel(tracking_number=shipment.tracking_number,
                                         carrier_reference=shipment.carrier_reference)
    with transaction.atomic():
        source = shipment.status
        shipment.status = ShipmentStatus.CANCELLED
        shipment.status_at = shipment.cancelled_at = timezone.now()
        shipment.save(update_fields=["status", "status_at", "cancelled_at", "updated_at"])
        record_event(shipment, action="cancelled", actor=actor, source=source,
                     target=shipment.status, reason=reason)
    return shipment


# --- tracking ------------------------------------------------------------------------------
def webhook_receive(*, carrier: str, body: bytes, headers: Mapping[str, str],
                    now: datetime.datetime | None = None) -> IngestResult:
    """Verify and ingest one webhook request (WebhookRejected when the signature is bad; a
    permanent CarrierError, 400, when an event is malformed: nothing is stored then). `now`
    is the clock events may not be later than (the sandbox's simulated one)."""
    adapter = carrier_get(carrier)
    events = events_checked(adapter.parse_webhook(body=body, headers=headers), now=now)
    return tracking_ingest(carrier=carrier, events=events, source=TrackingEvent.Source.WEBHOOK)


def subscriber_call(*, subscriber: str, event_ids: Sequence[int] = (),
                    event_id: int | None = None) -> None:
    """Call one subscriber with (shipment, event) for each event, in order; subscribers must
    be idempotent. A subscriber with a `relevant(shipment_ids)` attribute (see
    `carriers.subscribers.subscriber`) is asked first which shipments it cares about, in one
    query, and called only for those."""
    ids = list(event_ids) + ([event_id] if event_id is not None else [])
    callback = import_string(subscriber)
    events = {e.pk: e for e in TrackingEvent.objects.select_related("shipment")
              .filter(pk__in=ids)}
    wanted = getattr(callback, "relevant", None)
    if wanted is not None:
        keep = wanted({e.shipment_id for e in events.values()})
        events = {pk: e for pk, e in events.items() if e.shipment_id in keep}
    for pk in ids:
        if pk in events:
            callback(events[pk].shipment, events[pk])


# --- polling -------------------------------------------------------------------------------
def shipments_poll(*, now: datetime.datetime | None = None, limit: int = 500,
                   batch: int = 10) -> IngestResult:
    """Ask the couriers about open shipments that have been quiet for a while (and were
    booked within CARRIER_POLL_MAX_AGE_DAYS)."""
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(minutes=settings.HOTLINE_CARRIER_POLL_AFTER_MINUTES)
    # A shipment the courier has said nothing final about for weeks is a case for a person
    # (it shows in the console), not for polling forever.
    booked_after = now - datetime.timedelta(days=settings.HOTLINE_CARRIER_POLL_MAX_AGE_DAYS)
    due = list(Shipment.objects.due_for_poll(quiet_since=quiet_since, booked_after=booked_after)
               .order_by(F("last_polled_at").asc(nulls_first=True))
               .values_list("carrier", "tracking_number")[:limit])
    by_carrier: dict[str, list[str]] = defaultdict(list)
    for carrier, number in due:
        by_carrier[carrier].append(number)
    total = IngestResult()
    for carrier, numbers in by_carrier.items():
        for start in range(0, len(numbers), batch):
            chunk = numbers[start:start + batch]
            try:
                result = shipment_track(carrier=carrier, tracking_numbers=chunk, now=now)
            except CarrierError as exc:
                log.warning("carrier poll failed", extra={
                    "carrier": carrier, "count": len(chunk), "permanent": exc.permanent,
                    "error": exc.message})
                continue
            for field in ("received", "stored", "duplicates", "unknown", "changed"):
                setattr(total, field, getattr(total, field) + getattr(result, field))
    return total


def shipment_track(*, carrier: str, tracking_numbers: Sequence[str],
                   now: datetime.datetime | None = None) -> IngestResult:
    """Poll the courier for these shipments now and ingest what it says."""
    events = carrier_get(carrier).track(list(tracking_numbers))
    result = tracking_ingest(carrier=carrier, events=events, source=TrackingEvent.Source.POLL)
    Shipment.objects.filter(carrier=carrier, tracking_number__in=tracking_numbers).update(
        last_polled_at=now or timezone.now())
    return result


# --- the sandbox's simulated time ----------------------------------------------------------
def sandbox_advance(*, until: datetime.datetime | None = None) -> IngestResult:
    """Push every sandbox event due by `until` (now) through the webhook ingestion path."""
    if "sandbox" not in carriers_all():
        return IngestResult()
    until = until or timezone.now()
    return sandbox_push(carrier_get("sandbox").due_webhooks(until=until), now=until)


def sandbox_push(requests, *, now: datetime.datetime | None = None) -> IngestResult:
    """Deliver the sandbox's signed webhook requests and record how far each parcel got."""
    total = IngestResult()
    for body, headers, parcel_id, released in requests:
        result = webhook_receive(carrier="sandbox", body=body, headers=headers,
                                 now=max(now, timezone.now()) if now else None)
        # Absolute, never backwards: two overlapping runs push the same events (ingestion
        # stores them once) and must not skip any.
        SandboxParcel.objects.filter(pk=parcel_id).update(
            released=Greatest(F("released"), Value(released)))
        for field in ("received", "stored", "duplicates", "unknown", "changed"):
            setattr(total, field, getattr(total, field) + getattr(result, field))
    return total
