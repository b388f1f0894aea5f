"""Service-level metrics, computed in the database (see docs/metrics.md for each definition).

Every figure counts calls in the interval in which they were queued. The aggregates are one
GROUP BY query; the 90th-percentile wait is a second query with window functions (ROW_NUMBER
and COUNT over each group) returning one row per group, which SQLite (3.25+) and PostgreSQL
both run. Only the operators' logged-in time, a handful
of session rows, is overlapped with the intervals in Python, for occupancy.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from calls import rollup
from calls.models import LEFT_QUEUE, AgentSession, Call, Outcome

FIXED_INTERVALS = {"15m": 900, "30m": 1800, "1h": 3600}
CALENDAR_INTERVALS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
INTERVAL_ALIASES = {"15": "15m", "30": "30m", "60m": "1h", "hour": "1h", "60": "1h",
                    "1d": "day", "d": "day", "1w": "week", "w": "week", "1mo": "month"}
INTERVALS = [*FIXED_INTERVALS, *CALENDAR_INTERVALS]
GROUPS = ("interval", "queue", "operator", "total")
FCR_WINDOW_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Params:
    start: datetime.datetime
    end: datetime.datetime
    threshold: float
    short_abandon: float
    queue: str | None = None
    agent: str | None = None


def sl_threshold() -> float:
    """Return the service-level threshold in seconds: the one source is the setting."""
    return settings.CALLS_SL_THRESHOLD


def sl_target() -> float:
    """Return the service-level target as a ratio (the setting CALLS_SL_TARGET is a percent)."""
    return settings.CALLS_SL_TARGET / 100


def short_abandon_threshold() -> float:
    """Return the short-abandon threshold in seconds: the one source is the setting."""
    return settings.CALLS_SHORT_ABANDON


def interval_normalise(name: str) -> str:
    """Return the canonical interval name, or raise ValueError naming the valid ones."""
    name = INTERVAL_ALIASES.get((name or "").lower(), (name or "").lower())
    if name not in INTERVALS:
        raise ValueError(f"unknown interval {name!r}; use one of {', '.join(INTERVALS)}")
    return name


def calls_for(params: Params):
    qs = Call.objects.filter(queued_at__gte=params.start, queued_at__lt=params.end)
    if params.queue:
        qs = qs.filter(queue=params.queue)
    if params.agent:
        qs = qs.filter(agent_id=params.agent)
    return qs


def _answered() -> Q:
    return Q(answered_at__isnull=False) & ~Q(outcome=Outcome.LOST)


class Exact(Func):
    """A duration as an exact decimal (PostgreSQL): its sums and means are then the same
    whatever order the rows are added in, here and in the roll-up (calls.rollup)."""

    template = "(%(expressions)s)::numeric"
    output_field = DecimalField()


def _exact(expression):
    return Exact(expression) if connection.vendor == "postgresql" else expression


def _aggregates(params: Params) -> dict:
    answered = _answered()
    abandoned = Q(outcome=Outcome.ABANDONED)
    handle = _exact(ExpressionWrapper(
        F("talk_seconds") + F("hold_seconds") + F("wrapup_seconds"), output_field=FloatField()))
    wait, talk = _exact(F("wait_seconds")), _exact(F("talk_seconds"))
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_within": Count("pk", filter=answered & Q(wait_seconds__lte=params.threshold)),
        "abandoned": Count("pk", filter=abandoned),
        "short_abandoned": Count(
            "pk", filter=abandoned & Q(wait_seconds__lte=params.short_abandon)),
        "left_queue": Count("pk", filter=Q(outcome__in=LEFT_QUEUE)),
        "lost": Count("pk", filter=Q(outcome=Outcome.LOST)),
        "waiting": Count("pk", filter=Q(answered_at__isnull=True, ended_at__isnull=True)),
        "transferred": Count("pk", filter=answered & Q(transferred=True)),
        "resolved_first_contact": Count("pk", filter=answered & Q(_repeat=False)),
        "asa": Avg(wait, filter=answered),
        "average_wait": Avg(wait),
        "longest_wait": Max("wait_seconds"),
        "aht": Avg(handle, filter=answered & Q(talk_seconds__isnull=False)),
        "average_talk": Avg(talk, filter=answered),
        "handle_seconds": Sum(handle, filter=answered & Q(talk_seconds__isnull=False)),
    }


def _repeat_exists():
    """Another call within 7 days after this one, from the same number or about the handset."""
    later = Call.objects.filter(
        queued_epoch__gt=OuterRef("queued_epoch"),
        queued_epoch__lte=OuterRef("queued_epoch") + FCR_WINDOW_SECONDS,
    ).exclude(pk=OuterRef("pk"))
    same_number = later.filter(caller_number=OuterRef("caller_number"))
    same_handset = later.filter(handset_id=OuterRef("handset_id"))
    # CASE decides before the look-up runs: a withheld caller (no number) or a call about no
    # handset never scans the other calls (every withheld call of the week, otherwise).
    return Case(
        When(Q(caller_number="", handset_id__isnull=True), then=Value(False)),
        When(caller_number="", then=Exists(same_handset)),
        When(handset_id__isnull=True, then=Exists(same_number)),
        default=Exists(same_number) | Exists(same_handset), output_field=BooleanField())


def _group_expression(group: str, interval: str, tz, *, epoch: str = "queued_epoch",
                      moment: str = "queued_at"):
    """Return the grouping key over the calls, or over the roll-up's bucket_epoch and
    bucket_at (the same arithmetic and the same date truncation)."""
    if group == "queue":
        return F("queue")
    if group == "operator":
        return F("agent_id")
    if group == "total":
        return Value(1)
    if interval in FIXED_INTERVALS:
        size = FIXED_INTERVALS[interval]
        return ExpressionWrapper(F(epoch) / size * size, output_field=IntegerField())
    return CALENDAR_INTERVALS[interval](moment, tzinfo=tz)


def sla_report(*, start: datetime.datetime, end: datetime.datetime, interval: str = "30m",
               threshold: float | None = None, short_abandon: float | None = None,
               queue: str | None = None, agent: str | None = None,
               group: str = "interval") -> dict:
    """Return the metrics per group (interval, queue or operator) and for the whole period.

    The thresholds default to the settings (CALLS_SL_THRESHOLD, CALLS_SHORT_ABANDON)."""
    threshold = sl_threshold() if threshold is None else threshold
    short_abandon = short_abandon_threshold() if short_abandon is None else short_abandon
    if start >= end:
        raise ValueError("the period's start must be before its end")
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}; use one of {', '.join(GROUPS)}")
    interval = interval_normalise(interval)
    params = Params(start=start, end=end, threshold=threshold, short_abandon=short_abandon,
                    queue=queue or None, agent=agent or None)
    tz = timezone.get_current_timezone()
    if _rollup_serves(params, group, interval):
        rollup.rollup_refresh()
        rows, total = _rollup_grouped(params, group, interval, tz)
        _occupancy_fill(params, group, interval, tz, rows, total)
        return _report(params, interval, group, rows, total)
    rows = _grouped(params, group, interval, tz) if group != "total" else []
    # Every grouping splits the calls: the total's first-contact resolutions are the rows'
    # sum, and the look-up for a later call (the costly part) runs once, not twice.
    resolved = sum(row["resolved_first_contact"] for row in rows) if rows else None
    total = _grouped(params, "total", interval, tz, resolved=resolved)
    total = total[0] if total else _row_finish(_empty_row(), params, staffed=None)
    total.pop("key", None)
    _occupancy_fill(params, group, interval, tz, rows, total)
    return _report(params, interval, group, rows, total)


def _report(params: Params, interval: str, group: str, rows: list, total: dict) -> dict:
    return {
        "start": params.start.isoformat(), "end": params.end.isoformat(),
        "interval": interval, "group": group, "queue": params.queue, "agent": params.agent,
        "threshold_seconds": params.threshold, "short_abandon_seconds": params.short_abandon,
        "rows": rows, "total": total,
    }


def _rollup_serves(params: Params, group: str, interval: str) -> bool:
    finite = all(math.isfinite(float(v)) for v in (params.threshold, params.short_abandon))
    return finite and rollup.rollup_serves(
        start=params.start, end=params.end, interval=interval, group=group,
        agent=params.agent, fixed=FIXED_INTERVALS)


def _rollup_grouped(params: Params, group: str, interval: str, tz) -> tuple[list, dict]:
    """Return the finished rows of one grouping and the total from the roll-up
    (calls.rollup): the same figures as _grouped, added up from 15-minute buckets."""
    key = _group_expression(group, interval, tz, epoch="bucket_epoch", moment="bucket_at")
    found = rollup.rollup_rows(start_epoch=_epoch(params.start), end_epoch=_epoch(params.end),
                               queue=params.queue, key=key, threshold=params.threshold,
                               short_abandon=params.short_abandon)
    rows, total = [], _row_finish(_empty_row(), params, staffed=None)
    for value, item in found.items():
        item.update({
            "asa": _mean(item["answered_wait_sum"], item["answered_wait_count"]),
            "average_wait": _mean(item["wait_sum"], item["wait_count"]),
            "longest_wait": item["wait_max"],
            "aht": _mean(item["handle_sum"], item["handle_count"]),
            "average_talk": _mean(item["talk_sum"], item["talk_count"]),
            "handle_seconds": float(item["handle_sum"]) if item["handle_count"] else None,
        })
        row = _row_finish({name: item[name] for name in _empty_row()}, params, staffed=None)
        if value is rollup.TOTAL:
            total = row
        elif group != "total":
            row["key"] = _key_label(value, group, tz)
            rows.append(row)
    return rows, total


def _mean(total, count):
    """Return the mean of an exact decimal sum as the nearest float (None without values)."""
    return float(total / count) if count else None


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank 90th percentile: the value at rank ceil(0.9·n)."""

    function = "percentile_disc"
    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _grouped(params: Params, group: str, interval: str, tz, *,
             resolved: int | None = None) -> list[dict]:
    """Return the finished rows of one grouping; with `resolved`, the first-contact
    resolutions are known already (the sum of another grouping's rows)."""
    key = _group_expression(group, interval, tz)
    aggregates = _aggregates(params)
    qs = calls_for(params).annotate(_key=key)
    if resolved is None:
        qs = qs.annotate(_repeat=_repeat_exists())
    else:
        del aggregates["resolved_first_contact"]
    p90 = None
    if connection.vendor == "postgresql":  # in the same pass; elsewhere a window query
        aggregates["p90_wait"] = PercentileDisc("wait_seconds")
    else:
        p90 = _p90(params, key)
    raw = list(qs.values("_key").annotate(**aggregates).order_by("_key"))
    rows = []
    for item in raw:
        if resolved is not None:
            item["resolved_first_contact"] = resolved
        if p90 is not None:
            item["p90_wait"] = p90.get(item["_key"])
        item["key"] = _key_label(item.pop("_key"), group, tz)
        rows.append(_row_finish(item, params, staffed=None))
    return rows


def _p90(params: Params, key) -> dict:
    """Nearest-rank 90th percentile of the wait per group: the wait at rank ceil(0.9·n) of
    the group's n waits in ascending order. ROW_NUMBER and COUNT windows pick exactly that
    row in the database: 9·n/10 ≥ rank − 1 and ≤ rank, where 9·n is an integer divided once,
    so the quotient is exact whenever it is a whole number."""
    ranked = (calls_for(params).filter(wait_seconds__isnull=False)
              .annotate(_key=key,
                        _rank=Window(RowNumber(), partition_by=[key],
                                     order_by=[F("wait_seconds").asc(), F("pk").asc()]),
                        _n=Window(Count("pk"), partition_by=[key]))
              .filter(_rank__gte=F("_n") * 9 / 10.0, _rank__lt=F("_n") * 9 / 10.0 + 1))
    return dict(ranked.values_list("_key", "wait_seconds").order_by())


def _key_label(value, group: str, tz):
    if group == "total":
        return None
    if group in ("queue", "operator"):
        return value
    if isinstance(value, int):
        value = datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=tz)
    return timezone.localtime(value, tz).isoformat()


def _empty_row() -> dict:
    row = dict.fromkeys(
        ["offered", "answered", "answered_within", "abandoned", "short_abandoned", "left_queue",
         "lost", "waiting", "transferred", "resolved_first_contact"], 0)
    row.update(dict.fromkeys(["asa", "average_wait", "longest_wait", "aht", "average_talk",
                              "handle_seconds", "p90_wait"]))
    return row


def _ratio(numerator, denominator):
    return round(numerator / denominator, 4) if denominator else None


def _seconds(value):
    return None if value is None else round(float(value), 1)


def _row_finish(row: dict, params: Params, *, staffed) -> dict:
    counted_abandons = row["abandoned"] - row["short_abandoned"]
    row["service_level"] = _ratio(row["answered_within"], row["answered"])
    row["service_level_offered"] = _ratio(row["answered_within"],
                                          row["answered"] + counted_abandons)
    row["abandonment_rate"] = _ratio(counted_abandons, row["offered"] - row["short_abandoned"])
    row["transfer_rate"] = _ratio(row["transferred"], row["answered"])
    row["first_contact_resolution"] = _ratio(row["resolved_first_contact"], row["answered"])
    for name in ("asa", "average_wait", "longest_wait", "aht", "average_talk",
                 "handle_seconds", "p90_wait"):
        row[name] = _seconds(row.get(name))
    row["staffed_seconds"] = staffed
    row["occupancy"] = None
    return row


def _occupancy_fill(params, group, interval, tz, rows, total) -> None:
    """Occupancy = handle time / logged-in time; per queue it has no meaning (agents serve
    several queues), so queue rows keep None."""
    start, end = _epoch(params.start), _epoch(params.end)
    sessions = AgentSession.objects.filter(start_epoch__lt=end).filter(
        Q(end_epoch__isnull=True) | Q(end_epoch__gt=start))
    if params.agent:
        sessions = sessions.filter(agent_id=params.agent)
    now = _epoch(timezone.now())
    spans = [(agent, max(s, start), min(e if e is not None else now, end))
             for agent, s, e in sessions.values_list("agent_id", "start_epoch", "end_epoch")]
    spans = [span for span in spans if span[2] > span[1]]
    if not spans:
        return
    if not params.queue:
        _occupancy_set(total, sum(e - s for _a, s, e in spans))
    if group == "operator":
        for row in rows:
            _occupancy_set(row, sum(e - s for a, s, e in spans if a == row["key"]))
    elif group == "interval" and not params.queue:
        for row in rows:
            lo = _epoch(datetime.datetime.fromisoformat(row["key"]))
            hi = _epoch(_interval_end(datetime.datetime.fromisoformat(row["key"]), interval))
            _occupancy_set(row, sum(max(0, min(e, hi) - max(s, lo)) for _a, s, e in spans))


def _occupancy_set(row: dict, staffed: float) -> None:
    row["staffed_seconds"] = staffed
    if staffed and row["handle_seconds"] is not None:
        row["occupancy"] = round(min(1.0, row["handle_seconds"] / staffed), 4)


def _interval_end(start: datetime.datetime, interval: str) -> datetime.datetime:
    if interval in FIXED_INTERVALS:
        return start + datetime.timedelta(seconds=FIXED_INTERVALS[interval])
    naive = start.replace(tzinfo=None)
    if interval == "day":
        naive += datetime.timedelta(days=1)
    elif interval == "week":
        naive += datetime.timedelta(days=7)
    else:
        naive = (naive.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    zone = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else timezone.get_current_timezone()
    return naive.replace(tzinfo=zone)


def _epoch(value: datetime.datetime) -> int:
    return int(math.floor(value.timestamp()))


def interval_volumes(*, start: datetime.datetime, end: datetime.datetime, size: int = 1800,
                     threshold: float | None = None, queue: str | None = None) -> list[dict]:
    """Return, per fixed interval of `size` seconds that has calls, its start (aware, local)
    and its calls offered, answered, abandoned, service level and ASA: one GROUP BY query,
    light enough for the wallboard's chart on every refresh (no percentile, no FCR)."""
    threshold = sl_threshold() if threshold is None else threshold
    params = Params(start=start, end=end, threshold=threshold, short_abandon=0, queue=queue)
    answered = _answered()
    bucket = ExpressionWrapper(F("queued_epoch") / size * size, output_field=IntegerField())
    rows = (calls_for(params).annotate(_key=bucket).values("_key")
            .annotate(offered=Count("pk"), answered=Count("pk", filter=answered),
                      answered_within=Count("pk", filter=answered
                                            & Q(wait_seconds__lte=threshold)),
                      abandoned=Count("pk", filter=Q(outcome=Outcome.ABANDONED)),
                      asa=Avg("wait_seconds", filter=answered))
            .order_by("_key"))
    tz = timezone.get_current_timezone()
    return [{"start": datetime.datetime.fromtimestamp(row["_key"], tz=tz),
             "offered": row["offered"], "answered": row["answered"],
             "abandoned": row["abandoned"],
             "service_level": _ratio(row["answered_within"], row["answered"]),
             "asa": _seconds(row["asa"])} for row in rows]


def waits_now(*, queue: str | None = None) -> dict:
    """Return the calls waiting now and the longest current wait in seconds."""
    qs = Call.objects.waiting().filter(queued_at__isnull=False)
    if queue:
        qs = qs.filter(queue=queue)
    found = qs.aggregate(count=Count("pk"), oldest=Min("queued_at"))
    longest = None
    if found["oldest"] is not None:
        longest = max(0.0, (timezone.now() - found["oldest"]).total_seconds())
    return {"waiting": found["count"], "longest_wait": _seconds(longest)}
