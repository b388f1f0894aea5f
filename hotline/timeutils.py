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
