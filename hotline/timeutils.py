"""Calendar helpers in the site's time zone."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_day_bounds(now: datetime.datetime | None = None, *, day: datetime.date | None = None,
                     ) -> tuple[datetime.datetime, datetime.datetime]:
    """Return [start, end) of the local calendar day containing `now` (or of `day`), 23 or 25
    hours long on the days the clocks change."""
    if day is None:
        day = timezone.localdate(now or timezone.now())
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                        datetime.time.min))
    return start, end


# Every date the hotline computes with (reports, promises, day sheets, tracking events) lies
# in this range: far enough either way for any real case, near enough that adding a few days
# or a time zone offset can never overflow Python's date type.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def in_date_range(value: datetime.date | datetime.datetime) -> bool:
    """Return whether a date (or the date of a date-time) lies in [DATE_MIN, DATE_MAX]."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def parse_bounded_date(text: str) -> datetime.date | None:
    """Return the ISO date in `text`, or None when it is not one or lies outside the range
    (one behaviour for every date parameter: callers refuse None, naming the parameter)."""
    from django.utils.dateparse import parse_date

    try:
        day = parse_date(str(text or "").strip())
    except ValueError:  # well-formed but impossible, e.g. 2026-13-01
        return None
    return day if day is not None and in_date_range(day) else None


def parse_bounded_datetime(text: str) -> datetime.datetime | None:
    """Return the ISO date-time (or date, at midnight) in `text`, aware in the site's time zone
    when it has no offset; None when it is not one or lies outside the range."""
    from django.utils.dateparse import parse_datetime

    text = str(text or "").strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        day = parse_bounded_date(text)
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time())
    if not in_date_range(moment):
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
