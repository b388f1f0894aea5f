"""Technician availability: the earliest two-hour slots within the 24-hour promise.

A slot is offered when a technician's territory and skills match, on a working day that is
neither a day off nor a public holiday of the technician's country, inside the day's working
hours, clear of the visits already booked (plus a travel buffer on each side), while the
technician has fewer visits that day than their maximum. Slots start on a grid from the start of
the working day (slot length + travel buffer), so two bookings of one slot name the same start
and the database's unique constraint refuses the second.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from exchanges.models import Technician, Visit


@dataclass(frozen=True)
class Slot:
    technician_id: int
    technician_name: str
    start: datetime.datetime
    end: datetime.datetime
    within_promise: bool

    @property
    def key(self) -> str:
        return f"{self.technician_id}@{self.start.isoformat()}"


def slot_length() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.EXCHANGES_VISIT_SLOT_MINUTES)


def travel_buffer() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.EXCHANGES_VISIT_TRAVEL_MINUTES)


def promise_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.EXCHANGES_VISIT_PROMISE_HOURS)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int):
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the package does not know: no public holidays
        return {}


def is_working_day(technician: Technician, day: datetime.date) -> bool:
    """Return whether the technician works on `day` (weekday, days off, public holidays)."""
    return (str(day.weekday()) in (technician.working_hours or {})
            and day.isoformat() not in (technician.days_off or [])
            and day not in _holidays(technician.country, day.year))


def _day_grid(technician: Technician, day: datetime.date, tz) -> list[tuple]:
    start_s, end_s = technician.working_hours[str(day.weekday())]
    start = datetime.datetime.combine(day, datetime.time.fromisoformat(start_s), tzinfo=tz)
    end = datetime.datetime.combine(day, datetime.time.fromisoformat(end_s), tzinfo=tz)
    grid, step = [], slot_length() + travel_buffer()
    while start + slot_length() <= end:
        grid.append((start, start + slot_length()))
        start += step
    return grid


def technician_day_slots(*, technician: Technician, day: datetime.date,
                         after: datetime.datetime, exclude_visit: int | None = None) -> list[tuple]:
    """Return the free (start, end) slots of one technician on one day, after `after`."""
    if not is_working_day(technician, day):
        return []
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day_start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    booked = list(Visit.objects.holding_slots().filter(
        technician=technician, slot_start__gte=day_start,
        slot_start__lt=day_start + datetime.timedelta(days=1)).exclude(pk=exclude_visit)
        .values_list("slot_start", "slot_end"))
    if len(booked) >= technician.max_visits_per_day:
        return []
    buffer = travel_buffer()
    return [(start, end) for start, end in _day_grid(technician, day, tz)
            if start >= after and not any(start < b_end + buffer and b_start < end + buffer
                                          for b_start, b_end in booked)]


def visit_slots(
    *, postcode: str, country: str, family: str = "", category: str = "",
    after: datetime.datetime | None = None, limit: int = 6, horizon_days: int = 7,
    exclude_visit: int | None = None,
) -> list[Slot]:
    """Return the earliest slots within the promise window; when none fits, the next ones.

    Every slot returned after the window has `within_promise=False`, so the console can say
    that the promise cannot be kept and offer the next slots (or a swap).
    """
    after = after or timezone.now()
    deadline = after + promise_window()
    technicians = [tech for tech in Technician.objects.active()
                   if tech.covers(postcode=postcode, country=country, family=family,
                                  category=category)]
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_day = after.astimezone(tz).date()
    found: list[Slot] = []
    for offset in range(horizon_days + 1):
        day = first_day + datetime.timedelta(days=offset)
        for tech in technicians:
            for start, end in technician_day_slots(technician=tech, day=day, after=after,
                                                   exclude_visit=exclude_visit):
                found.append(Slot(tech.pk, tech.name, start, end, end <= deadline))
        if len(found) >= limit:
            break  # days come in order: later days only have later slots
    found.sort(key=lambda slot: (slot.start, slot.technician_name))
    within = [slot for slot in found if slot.within_promise]
    return (within or found)[:limit]
