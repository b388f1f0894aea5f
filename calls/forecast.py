"""Forecasts and the staffing planner.

The default forecast for an interval is the average, over the same weekday of the last few
weeks, of the calls offered in that interval, with the average handle time of those calls.
A past day with no call at all is a day without data (before the hotline or its telephony
feed started, or a closed day), not a day of zero calls: the average runs over the days that
have calls, so one week of history forecasts that week's counts, not a quarter of them.
Counting runs in the database, grouped by interval; a day has at most 96 intervals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, F, FloatField, IntegerField, Q, Sum
from django.utils import timezone

from calls.erlang import StaffingError, predict, staffing_required
from calls.metrics import sl_threshold
from calls.models import Call, Outcome, Shift


@dataclass(frozen=True)
class PlannedInterval:
    start: datetime.datetime
    end: datetime.datetime
    calls: float
    aht: float | None
    agents: int | None
    agents_with_shrinkage: int | None
    rostered: int
    predicted_service_level: float | None
    gap: int | None  # rostered minus needed (negative: short of operators)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@dataclass(frozen=True)
class Forecast:
    """A day's forecast: (interval start, calls, AHT) per interval, and the past days it
    averages (those of the `weeks` asked that have calls)."""

    intervals: list[tuple[datetime.datetime, float, float | None]]
    days_with_data: int
    weeks: int


def forecast_day(*, day: datetime.date, interval_seconds: int = 1800, weeks: int = 4,
                 queue: str | None = None) -> list[tuple[datetime.datetime, float, float | None]]:
    """Return (interval start, calls, AHT) for each interval of `day`."""
    return forecast_of(day=day, interval_seconds=interval_seconds, weeks=weeks,
                       queue=queue).intervals


def forecast_of(*, day: datetime.date, interval_seconds: int = 1800, weeks: int = 4,
                queue: str | None = None) -> Forecast:
    """Return the forecast of `day`, averaged over the past same weekdays that have calls."""
    if 86400 % interval_seconds:
        raise StaffingError("the interval must divide a day (900, 1800 or 3600 seconds)")
    past = [day - datetime.timedelta(weeks=k) for k in range(1, weeks + 1)]
    ranges = Q()
    for other in past:
        ranges |= Q(queued_at__gte=day_start(other),
                    queued_at__lt=day_start(other + datetime.timedelta(days=1)))
    calls = Call.objects.filter(ranges)
    if queue:
        calls = calls.filter(queue=queue)
    bucket = ExpressionWrapper(F("queued_epoch") / interval_seconds * interval_seconds,
                               output_field=IntegerField())
    handle = ExpressionWrapper(F("talk_seconds") + F("hold_seconds") + F("wrapup_seconds"),
                               output_field=FloatField())
    answered = (Q(answered_at__isnull=False, talk_seconds__isnull=False)
                & ~Q(outcome=Outcome.LOST))
    rows = (calls.annotate(bucket=bucket).values("bucket")
            .annotate(n=Count("pk"), handled=Count("pk", filter=answered),
                      handle=Sum(handle, filter=answered)).order_by())
    by_offset: dict[int, list[float]] = {}
    days_with_data: set[datetime.date] = set()
    for row in rows:
        local = timezone.localtime(datetime.datetime.fromtimestamp(row["bucket"], datetime.UTC))
        days_with_data.add(local.date())
        offset = local.hour * 3600 + local.minute * 60 + local.second
        sums = by_offset.setdefault(offset, [0, 0, 0.0])
        sums[0] += row["n"]
        sums[1] += row["handled"]
        sums[2] += row["handle"] or 0.0
    result = []
    start = day_start(day)
    averaged = len(days_with_data)
    for offset in range(0, 86400, interval_seconds):
        n, handled, handle = by_offset.get(offset, (0, 0, 0.0))
        at = timezone.localtime(start + datetime.timedelta(seconds=offset))
        result.append((at, n / averaged if averaged else 0.0, handle / handled if handled else None))
    return Forecast(intervals=result, days_with_data=averaged, weeks=weeks)


def plan_day(*, day: datetime.date, interval_seconds: int = 1800, target: float = 0.8,
             answer_within: float | None = None, shrinkage: float = 0.0,
             max_occupancy: float | None = None, weeks: int = 4, queue: str | None = None,
             default_aht: float = 300, forecast: Forecast | None = None) -> list[PlannedInterval]:
    """Return each interval's forecast, operators needed and operators rostered (answered
    within the service-level threshold of the settings unless `answer_within` is given); a
    caller that needs the forecast itself too (how many days it averages) passes it in."""
    answer_within = sl_threshold() if answer_within is None else answer_within
    if forecast is None:
        forecast = forecast_of(day=day, interval_seconds=interval_seconds, weeks=weeks,
                               queue=queue)
    forecast = forecast.intervals
    known = [aht for _at, _n, aht in forecast if aht]
    fallback = sum(known) / len(known) if known else default_aht
    shifts = list(Shift.objects.filter(
        starts_at__lt=day_start(day + datetime.timedelta(days=1)), ends_at__gt=day_start(day))
        .values_list("starts_at", "ends_at"))
    planned = []
    for start, calls, aht in forecast:
        end = start + datetime.timedelta(seconds=interval_seconds)
        rostered = sum(1 for s, e in shifts if s < end and e > start)
        aht = aht or fallback
        agents = scheduled = level = None
        if calls > 0:
            need = staffing_required(calls=calls, interval_seconds=interval_seconds, aht=aht,
                                     target=target, answer_within=answer_within,
                                     shrinkage=shrinkage, max_occupancy=max_occupancy)
            agents, scheduled = need.agents, need.agents_with_shrinkage
            on_phones = int(rostered * (1 - shrinkage))
            level = predict(agents=on_phones, calls=calls, interval_seconds=interval_seconds,
                            aht=aht, answer_within=answer_within).service_level
        else:
            agents = scheduled = 0
        planned.append(PlannedInterval(
            start=start, end=end, calls=round(calls, 2), aht=round(aht, 1) if calls else None,
            agents=agents, agents_with_shrinkage=scheduled, rostered=rostered,
            predicted_service_level=level,
            gap=None if scheduled is None else rostered - scheduled))
    return planned
