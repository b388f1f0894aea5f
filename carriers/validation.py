"""Tracking events from a courier, checked as strictly as a form before anything is stored.

A signed webhook is authentic, not necessarily well-formed: a NUL byte (which PostgreSQL
refuses in text), a time that is not a time, an event dated in the year 9999 or a text
longer than its column are refused with 400 naming the event and the field, and nothing of
the batch is stored."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence

from django.utils import timezone

from carriers.domain import CarrierError, CarrierEvent, FailureReason, TrackingStatus

# An event dated later than this after our clock is a courier's clock or a forger's error.
FUTURE_TOLERANCE = datetime.timedelta(hours=1)
# Nothing a courier reports happened before this (and dates before it cannot be shifted by a
# time zone without overflowing).
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_STATUSES, _REASONS = frozenset(TrackingStatus.values), frozenset(FailureReason.values)
TEXT_LIMITS = {"tracking_number": 40, "raw_code": 20, "raw_text": 300, "location": 120,
               "event_id": 120}


def events_checked(events: Sequence[CarrierEvent], *,
                   now: datetime.datetime | None = None) -> list[CarrierEvent]:
    """Return the events, or raise a permanent CarrierError (400) naming the first problem."""
    now = now or timezone.now()
    checked = []
    for index, event in enumerate(events):
        problem = _problem(event, now)
        if problem:
            field, message = problem
            raise CarrierError(f"events[{index}].{field}: {message}", permanent=True,
                               status_code=400)
        checked.append(event)
    return checked


def _problem(event, now) -> tuple[str, str] | None:
    if not isinstance(event, CarrierEvent):
        return "event", "not a tracking event"
    for field, limit in TEXT_LIMITS.items():
        value = getattr(event, field)
        if not isinstance(value, str):
            return field, "must be a string"
        if len(value) > limit:
            return field, f"longer than {limit} characters"
        if not text_is_clean(value):
            return field, "contains a control character (such as NUL)"
    if not event.tracking_number.strip():
        return "tracking_number", "is empty"
    if event.status not in _STATUSES:
        return "status", f"unknown status {event.status!r}"
    if not isinstance(event.reason, str) or (event.reason and
                                             event.reason not in _REASONS):
        return "reason", f"unknown reason {event.reason!r}"
    moment = event.occurred_at
    if not isinstance(moment, datetime.datetime):
        return "occurred_at", "not an ISO 8601 date-time"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return "occurred_at", "has no time zone offset"
    if moment < EARLIEST:
        return "occurred_at", "is before 2000"
    if moment > now + FUTURE_TOLERANCE:
        return "occurred_at", "is in the future"
    return None


def text_is_clean(value: str) -> bool:
    """Return whether a text has no control characters (NUL included; tabs and line breaks
    are fine) and no lone surrogates."""
    return not any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n\r"
                   for char in value)
