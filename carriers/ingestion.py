"""Tracking ingestion: a batch of courier events (a webhook body, a polling answer) stored
once each, judged in order against its shipment, audited, and told to the subscribers.

The one path for webhooks, polling and the sandbox (`carriers.services` calls it); see
docs/carriers.md, "Persistence and ingestion", for its guarantees and its statements.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from carriers import batch_sql
from carriers.domain import (
    FINAL_STATUSES,
    STATUS_RANK,
    CarrierEvent,
    FailureReason,
    TrackingStatus,
)
from carriers.models import Shipment, ShipmentStatus, TrackingEvent
from hotline.outbox import outbox_enqueue_many
from hotline.rawsql import Statements
from hotline.workflow import record_events

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0
    changed: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def tracking_ingest(*, carrier: str, events: Sequence[CarrierEvent],
                    source: str) -> IngestResult:
    """Store each event once; move the shipment's status only forward in time.

    A batch (a webhook body, a polling answer) costs two round trips on PostgreSQL whatever
    its size: one look-up of its shipments (locked, so that two batches about a parcel never
    interleave; it also lists the batch's events already stored, says which subscribers want
    each and takes the primary keys of the rows to come), then the writes sent together: the
    insert of the new events, an update per moved shipment, the insert of the audit rows (one
    per status change) and that of the outbox messages (at most one per group of subscribers
    told of the same changes). Elsewhere each is a statement of its own, and a second look-up
    says which events are stored when some are. The events are judged in the order given,
    exactly as one by one."""
    result = IngestResult(received=len(events))
    if events:
        try:
            with transaction.atomic():
                _ingest_batch(carrier, events, source, result)
        except IntegrityError:
            # Someone stored one of these events between our look-up and our insert (a writer
            # that did not lock the shipment): once more, now that the look-up sees it.
            result = IngestResult(received=len(events))
            with transaction.atomic():
                _ingest_batch(carrier, events, source, result)
    if result.unknown:
        log.warning("tracking events for unknown shipments", extra={
            "carrier": carrier, "count": result.unknown})
    return result


# Statuses that say the courier has acted on the parcel (anything after its booking).
_MOVING = set(TrackingStatus.values) - {TrackingStatus.BOOKED}
# The vocabularies as sets (a TextChoices' `values` builds a new list at every call).
_STATUSES, _REASONS = frozenset(TrackingStatus.values), frozenset(FailureReason.values)
_SHIPMENT_FIELDS = ["last_event_at", "updated_at", "ship_date", "status", "status_reason",
                    "status_at"]


def _ingest_batch(carrier: str, events: Sequence[CarrierEvent], source: str,
                  result: IngestResult) -> None:
    listeners = _listeners()
    keys = {event.dedupe_key for event in events}
    shipments, event_ids, audit_ids = _batch_shipments(carrier, events, keys, listeners)
    seen = _seen(shipments.values(), keys)
    now = timezone.now()
    rows, changes, touched = [], [], {}
    for event in events:
        shipment = shipments.get(event.tracking_number)
        if shipment is None:
            result.unknown += 1
            continue
        key = event.dedupe_key
        if (shipment.pk, key) in seen:
            result.duplicates += 1
            continue
        seen.add((shipment.pk, key))
        row, change = _judge(shipment, event, source, key, now)
        rows.append(row)
        touched[shipment.pk] = shipment
        if change is not None:
            changes.append(change)
        result.stored += 1
    if not rows:
        return
    # The writes go to the database together (one round trip on PostgreSQL, whose look-up
    # took the new rows' primary keys from their sequences); the outbox's INSERT, last,
    # sends them.
    writes = Statements(TrackingEvent)
    for row, pk in zip(rows, event_ids, strict=False):
        row.pk = pk
    writes.insert(rows)
    _shipments_update(touched.values(), writes)
    record_events([(row.shipment, {
        "action": "tracking", "actor_label": carrier, "source": previous, "target": row.status,
        "reason": row.raw_text, "data": {"raw_code": row.raw_code, "reason": row.reason,
                                         "occurred_at": row.occurred_at.isoformat(),
                                         "source": source}}) for row, previous in changes],
                  statements=writes, ids=audit_ids)
    result.changed += len(changes)
    _notify(changes, listeners, writes)
    writes.run()


@dataclass(frozen=True)
class _Listener:
    """A subscriber as one batch sees it: its path, and how it says which parcels it wants:
    with a `column` (the look-up's answer), `relevant` is its `exists` function; without,
    its `relevant(ids)` function, asked once per `key` (the function it was marked with)."""

    path: str
    column: str | None
    relevant: object
    key: object = None


def _listeners() -> list[_Listener]:
    found, columns = [], {}
    for path in subscribers():
        callback = import_string(path)
        exists = getattr(callback, "relevant_exists", None)
        if exists is not None:
            # Subscribers sharing an expression (a swap's parcels) share its column.
            column = columns.setdefault(exists, f"_wanted_{len(columns)}")
            found.append(_Listener(path, column, exists))
        else:
            relevant = getattr(callback, "relevant", None)
            found.append(_Listener(path, None, relevant,
                                   getattr(callback, "relevant_key", relevant)))
    return found


def _batch_shipments(carrier: str, events: Sequence[CarrierEvent], keys: set[str],
                     listeners: list[_Listener]) -> tuple[dict[str, Shipment], list, list]:
    """Look the batch's shipments up and lock them, in one statement that also says which
    of the batch's events are already stored for each (or only whether some are, where the
    database has no arrays), and which subscribers want it; on PostgreSQL it also takes the
    primary keys of the events and audit rows to come (as many as events: some go unused)."""
    wanted = {listener.column: listener.relevant for listener in listeners
              if listener.column is not None}
    found, event_ids, audit_ids = batch_sql.shipments_locked(
        carrier=carrier, numbers=sorted({event.tracking_number for event in events}),
        keys=sorted(keys), wanted=wanted, ids=len(events))
    return {s.tracking_number: s for s in found}, event_ids, audit_ids


def _seen(shipments, keys: set[str]) -> set[tuple[int, str]]:
    """Return the (shipment, key) pairs of the batch already stored: those the look-up
    listed, or a query for the shipments it said have some (a courier sending again what it
    sent), where it could only say whether."""
    seen = {(s.pk, key) for s in shipments if isinstance(s._stored, list) for key in s._stored}
    again = [s.pk for s in shipments if s._stored is True or s._stored == 1]
    if again:
        seen |= batch_sql.events_stored(shipment_ids=again, keys=sorted(keys))
    return seen


def _shipments_update(shipments, writes: Statements) -> None:
    """Write the moved shipments' tracking fields: one UPDATE by primary key each, added to
    the batch's writes where they are held, else sent in one `executemany` (the ORM's
    bulk_update builds a CASE per field and row, whose cost grows with the square of a batch
    of hundreds of parcels)."""
    db = writes.connection
    ops, meta = db.ops, Shipment._meta
    columns = [meta.get_field(name) for name in _SHIPMENT_FIELDS]
    assignments = ", ".join(f"{ops.quote_name(field.column)} = %s" for field in columns)
    sql = (f"UPDATE {ops.quote_name(meta.db_table)} SET {assignments} "
           f"WHERE {ops.quote_name(meta.pk.column)} = %s")
    rows = [[field.get_db_prep_save(getattr(shipment, field.attname), db)
             for field in columns] + [shipment.pk] for shipment in shipments]
    if writes.held:
        for row in rows:
            writes.add(sql, row)
        return
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def _judge(shipment: Shipment, event: CarrierEvent, source: str, key: str, now):
    """Return the event's row and, when it changes the shipment's status, (row, the status
    before); the shipment (in memory) moves on as the event says."""
    status = event.status if event.status in _STATUSES else TrackingStatus.EXCEPTION
    reason = event.reason if (status == TrackingStatus.DELIVERY_FAILED
                              and event.reason in _REASONS) else ""
    applies = _moves_status(shipment, status, event.occurred_at)
    row = TrackingEvent(
        shipment=shipment, status=status, reason=reason, raw_code=event.raw_code[:20],
        raw_text=event.raw_text[:300], location=event.location[:120],
        occurred_at=event.occurred_at, received_at=now, source=source, dedupe_key=key,
        applied=applies)
    shipment.last_event_at = shipment.updated_at = now
    moved_on = timezone.localdate(event.occurred_at)
    if status in _MOVING and moved_on < shipment.ship_date:
        # The courier acted on the parcel before the planned day (picked it up, tried to
        # collect it): it shipped then, and its news never comes before its ship date.
        shipment.ship_date = moved_on
    if not applies:
        return row, None
    previous = shipment.status
    changed = shipment.status != status or shipment.status_reason != reason
    shipment.status, shipment.status_reason = status, reason
    shipment.status_at = event.occurred_at
    return row, ((row, previous) if changed else None)


def _notify(changes, listeners: list[_Listener], writes: Statements) -> None:
    """Queue the batch's status changes for its subscribers, in their order: one message for
    the subscribers told of the same changes (a swap's parcel: exchanges and partners; the
    task calls each in turn and retries those that fail); a subscriber that says which
    shipments it cares about gets only theirs, and no message when none is (most parcels
    concern one subscriber, or none)."""
    if not changes:
        return
    moved = {row.shipment_id: row.shipment for row, _previous in changes}
    answers = {}  # subscribers sharing a `relevant` function ask it once
    told: dict[tuple[int, ...], list[str]] = {}  # the events' ids -> the subscribers told
    for listener in listeners:
        if listener.column is not None:
            keep = {pk for pk, shipment in moved.items() if getattr(shipment, listener.column)}
        elif listener.relevant is not None:
            if listener.key not in answers:
                answers[listener.key] = listener.relevant(set(moved))
            keep = answers[listener.key]
        else:
            keep = moved
        ids = tuple(row.pk for row, _previous in changes if row.shipment_id in keep)
        if ids:
            told.setdefault(ids, []).append(listener.path)
    messages = []
    for ids, paths in told.items():
        digest = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:16]
        who = {"subscriber": paths[0]} if len(paths) == 1 else {"subscribers": paths}
        messages.append(("carriers.tasks.shipment_notify", {"event_ids": list(ids), **who},
                         f"carriers-event-{ids[0]}-{digest}"))
    # The keys name events this batch just stored: no message can have them yet.
    outbox_enqueue_many(messages, new_keys=True, statements=writes)


def _moves_status(shipment: Shipment, status: str, occurred_at: datetime.datetime) -> bool:
    if shipment.status in FINAL_STATUSES or shipment.status in (ShipmentStatus.PENDING,
                                                                 ShipmentStatus.CANCELLED):
        return False
    if shipment.status == ShipmentStatus.BOOKED and status != TrackingStatus.BOOKED:
        return True  # the courier's first news, whatever its clock says about the booking
    if shipment.status_at is not None:
        if occurred_at < shipment.status_at:
            return False
        if occurred_at == shipment.status_at and \
                STATUS_RANK.get(status, 0) < STATUS_RANK.get(shipment.status, 0):
            return False
    return True


def subscribers() -> list[str]:
    """Return the dotted paths of every status-change subscriber, apps' first."""
    found: list[str] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "carrier_subscribers", ()))
    found.extend(getattr(settings, "HOTLINE_CARRIER_SUBSCRIBERS", ()))
    return list(dict.fromkeys(found))
