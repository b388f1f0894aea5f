"""Reads for QA: failure rates, Pareto, trends, batch comparison, movers, NFF rates.

Every figure is aggregated in the database (GROUP BY over the records or the weekly roll-up);
one function serves the page, the API, the CSV export, the PDF and the commands. Rates are
failures per 1,000 units in the field; failures are the records whose verdict is reported or
confirmed (no fault found and customer-induced damage are not failures).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from diagnostics.models import FaultCode
from hotline.models import HandsetModel
from quality.exposure import in_field, in_field_series, shipped_by_month
from quality.models import (
    FAILURE_VERDICTS,
    Batch,
    DefectCountryWeek,
    DefectNffWeek,
    DefectRecord,
    DefectServiceWeek,
    DefectWeek,
    Verdict,
    monday,
    month_start,
)

DIMENSIONS = ("model", "fault_code", "batch", "production_month", "months_in_service")
WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
EXAMINED = (Verdict.CONFIRMED, Verdict.NFF, Verdict.CUSTOMER_DAMAGE)
# Whole weeks of a period are read from the weekly roll-ups (DefectWeek, DefectServiceWeek,
# DefectNffWeek), the days around them and any country filter from the records: the same
# figures, from thousands of cells instead of millions of records. Tests turn it off to
# check that both paths agree.
USE_ROLLUPS = True


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    model_id: int | None = None
    fault_code: str | None = None
    country: str = ""


def per_thousand(failures: int, units: int | None) -> float | None:
    if not units:
        return None
    return round(failures * 1000 / units, 3)


def _records(f: Filters, *, start: datetime.date | None = None,
             end: datetime.date | None = None):
    rows = DefectRecord.objects.filter(occurred_on__lte=end or f.end)
    if start is not None:
        rows = rows.filter(occurred_on__gte=start)
    if f.model_id:
        rows = rows.filter(model_id=f.model_id)
    if f.fault_code:
        rows = rows.filter(fault_code_id=f.fault_code)
    if f.country:
        rows = rows.filter(country=f.country)
    return rows


def whole_weeks(start: datetime.date | None, end: datetime.date):
    """Split [start, end] (start None: from the beginning) into the Mondays of the whole weeks
    it holds, (first, last) with first None for "from the beginning", and the day ranges
    around them; None when it holds no whole week."""
    first = None if start is None else (start if start.weekday() == 0 else monday(start) + WEEK)
    last = monday(end) if end.weekday() == 6 else monday(end) - WEEK
    if first is not None and first > last:
        return None
    edges = []
    if start is not None and start < first:
        edges.append((start, first - DAY))
    if end > last + 6 * DAY:
        edges.append((last + WEEK, end))
    return (first, last), edges


def _tally(f: Filters, *, start: datetime.date | None, rollup, keys: tuple[str, ...],
           measures: dict, records_only: Q | None = None,
           cells_only: Q | None = None) -> dict[tuple, dict[str, int]]:
    """Sum `measures` ({name: (Sum over the roll-up's cells, Count over the records)}) by
    `keys` (fields both tables have) over [start, f.end]: whole weeks from the roll-up, the
    other days from the records. With a country filter, counts by model and fault code come
    from the country roll-up, anything else from the records."""
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(measures, 0))

    def add(rows):
        for row in rows:
            total = totals[tuple(row[key] for key in keys)]
            for name in measures:
                total[name] += row[name] or 0

    if f.country:  # by model and fault code: the country roll-up; anything else: the records
        by_country = rollup is DefectWeek and set(keys) <= {"model_id", "fault_code_id"}
        rollup = DefectCountryWeek if by_country and not cells_only else None
    split = whole_weeks(start, f.end) if USE_ROLLUPS and rollup is not None else None
    ranges = [(start, f.end)]
    if split is not None:
        (first, last), ranges = split
        cells = rollup.objects.filter(cells_only or Q(), week__lte=last)
        if f.country:
            cells = cells.filter(country=f.country)
        if first is not None:
            cells = cells.filter(week__gte=first)
        if f.model_id:
            cells = cells.filter(model_id=f.model_id)
        if f.fault_code:
            cells = cells.filter(fault_code_id=f.fault_code)
        add(_grouped(cells, keys, {name: cell for name, (cell, _r) in measures.items()}))
    for low, high in ranges:
        add(_grouped(_records(f, start=low, end=high).filter(records_only or Q()), keys,
                     {name: record for name, (_c, record) in measures.items()}))
    return totals


def _grouped(rows, keys: tuple[str, ...], sums: dict) -> list[dict]:
    # annotated under other names: a measure may be named as a roll-up's column
    named = {f"sum_{name}": value for name, value in sums.items()}
    found = ([rows.aggregate(**named)] if not keys
             else rows.values(*keys).annotate(**named).order_by())
    return [{**{key: row[key] for key in keys}, **{name: row[f"sum_{name}"] for name in sums}}
            for row in found]


FAILURES = {"n": (Sum("failures"), Count("id", filter=Q(verdict__in=FAILURE_VERDICTS)))}


def _failures_by(f: Filters, key: str, *, start, records_only: Q | None = None) -> dict:
    """Failures by one field of DefectWeek (model_id, fault_code_id, batch_id), > 0 only."""
    found = _tally(f, start=start, rollup=DefectWeek, keys=(key,), measures=FAILURES,
                   records_only=records_only)
    return {k[0]: v["n"] for k, v in found.items() if v["n"]}


def record_count(f: Filters) -> int:
    """How many records the filters select (the records page's and API's count)."""
    found = _tally(f, start=f.start, rollup=DefectWeek, keys=(), measures={
        "n": (Sum(F("failures") + F("nff") + F("damage")), Count("id"))})
    return found[()]["n"] if found else 0


def failure_rates(f: Filters, *, by: str) -> list[dict]:
    """Failures in [start, end] per 1,000 units in the field, by one dimension."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    if by == "months_in_service":
        return hazard(f)
    if by == "model":
        counts = _failures_by(f, "model_id", start=f.start)
        names = {m.pk: str(m) for m in HandsetModel.objects.filter(pk__in=list(counts))}
        shipped = shipped_by_month(model_ids=list(names), country=f.country)
        rows = [{"key": pk, "label": names[pk], "failures": n,
                 "units": in_field(shipped.get(pk, {}), f.end)} for pk, n in counts.items()]
    elif by == "fault_code":
        counts = _failures_by(f, "fault_code_id", start=f.start)
        categories = dict(FaultCode.objects.filter(pk__in=list(counts))
                          .values_list("code", "category"))
        shipped = shipped_by_month(model_ids=[f.model_id] if f.model_id else None, country=f.country)
        units = sum(in_field(months, f.end) for months in shipped.values())
        rows = [{"key": code, "label": code, "category": categories.get(code, ""),
                 "failures": n, "units": units} for code, n in counts.items()]
    elif by == "batch":
        counts = _failures_by(f, "batch_id", start=f.start, records_only=Q(batch__isnull=False))
        counts.pop(None, None)
        batches = Batch.objects.in_bulk(list(counts))
        rows = [{"key": batches[pk].code, "label": batches[pk].code,
                 "model": str(batches[pk].model_id), "failures": n, "units": batches[pk].units,
                 "manufactured_on": batches[pk].manufactured_on} for pk, n in counts.items()]
    else:  # production_month (the month its batch was made): the units of the batches made then
        counts = _failures_by(f, "batch_id", start=f.start, records_only=Q(batch__isnull=False))
        counts.pop(None, None)
        by_month: dict[datetime.date, int] = defaultdict(int)
        for pk, made in Batch.objects.filter(pk__in=list(counts), manufactured_on__isnull=False
                                             ).values_list("pk", "manufactured_on"):
            by_month[month_start(made)] += counts[pk]
        made = defaultdict(int)
        batches = Batch.objects.exclude(imei_from="").filter(manufactured_on__isnull=False)
        if f.model_id:
            batches = batches.filter(model_id=f.model_id)
        for batch in batches:
            made[month_start(batch.manufactured_on)] += batch.units or 0
        rows = [{"key": month.isoformat()[:7], "label": month.isoformat()[:7], "failures": n,
                 "units": made.get(month) or None} for month, n in by_month.items()]
    for row in rows:
        row["rate"] = per_thousand(row["failures"], row["units"])
    return sorted(rows, key=lambda row: (row["rate"] is None, -(row["rate"] or 0), str(row["label"])))


def hazard(f: Filters) -> list[dict]:
    """Failures in the k-th month of service over the units that reached it by `end`
    (a Nevada view: every failure up to `end`, whatever its date)."""
    found = _tally(f, start=None, rollup=DefectServiceWeek, keys=("months_in_service",),
                   measures=FAILURES, records_only=Q(months_in_service__isnull=False))
    counts = {k[0]: v["n"] for k, v in found.items() if v["n"]}
    shipped = shipped_by_month(model_ids=[f.model_id] if f.model_id else None, country=f.country)
    months = defaultdict(int)
    for per_model in shipped.values():
        for month, units in per_model.items():
            months[month] += units
    last = month_start(f.end)
    rows = []
    for k in range(1, max([0, *counts]) + 1):
        # shipped in month m, the unit is in its k-th month of service in month m + k - 1
        reached = sum(units for month, units in months.items()
                      if (last.year - month.year) * 12 + last.month - month.month + 1 >= k)
        n = counts.get(k, 0)
        rows.append({"key": k, "label": str(k), "failures": n, "units": reached,
                     "rate": per_thousand(n, reached)})
    return rows


def pareto(f: Filters) -> list[dict]:
    """Fault codes of a model by failures, most first, with the cumulative share."""
    counts = sorted(_failures_by(f, "fault_code_id", start=f.start).items(),
                    key=lambda item: (-item[1], item[0]))
    total = sum(n for _code, n in counts) or 1
    descriptions = {code.pk: code.description for code in FaultCode.objects.filter(
        pk__in=[code for code, _n in counts])}
    running, rows = 0, []
    for code, n in counts:
        running += n
        rows.append({"fault_code": code, "description": descriptions.get(code, ""),
                     "failures": n, "share": round(n / total, 4),
                     "cumulative": round(running / total, 4)})
    return rows


def weekly_trend(f: Filters) -> list[dict]:
    """Failures per week of a model (x fault code) with the rate per 1,000 units in the field,
    from the weekly roll-up."""
    first, last = monday(f.start), monday(f.end)
    cells = DefectWeek.objects.filter(week__gte=first, week__lte=last)
    if f.model_id:
        cells = cells.filter(model_id=f.model_id)
    if f.fault_code:
        cells = cells.filter(fault_code_id=f.fault_code)
    counts = dict(cells.values_list("week").annotate(n=Sum("failures")).order_by())
    weeks = []
    week = first
    while week <= last:
        weeks.append(week)
        week += WEEK
    shipped = shipped_by_month(model_ids=[f.model_id] if f.model_id else None)
    units = [0] * len(weeks)
    for months in shipped.values():
        units = [a + b for a, b in zip(units, in_field_series(months, weeks), strict=True)]
    return [{"week": week.isoformat(), "failures": counts.get(week, 0), "units": u,
             "rate": per_thousand(counts.get(week, 0), u)} for week, u in zip(weeks, units, strict=True)]


def monthly_trend(f: Filters) -> list[dict]:
    counts = dict(_records(f, start=f.start).failures().annotate(m=TruncMonth("occurred_on"))
                  .values_list("m").annotate(n=Count("id")).order_by())
    counts = {(m.date() if isinstance(m, datetime.datetime) else m): n for m, n in counts.items()}
    shipped = shipped_by_month(model_ids=[f.model_id] if f.model_id else None, country=f.country)
    rows, month = [], month_start(f.start)
    while month <= f.end:
        units = sum(in_field(months, month) for months in shipped.values())
        n = counts.get(month, 0)
        rows.append({"month": month.isoformat()[:7], "failures": n, "units": units,
                     "rate": per_thousand(n, units)})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


def batch_comparison(f: Filters) -> list[dict]:
    """Each batch of a model: failures, NFF, units, rate per 1,000 units of the batch."""
    found = _tally(f, start=f.start, rollup=DefectWeek, keys=("batch_id",), measures={
        "failures": FAILURES["n"],
        "nff": (Sum("nff"), Count("id", filter=Q(verdict=Verdict.NFF))),
        "records": (Sum(F("failures") + F("nff") + F("damage")), Count("id"))},
        records_only=Q(batch__isnull=False), cells_only=Q(batch__isnull=False))
    counts = {k[0]: v for k, v in found.items() if v["records"]}
    batches = Batch.objects.in_bulk(list(counts))
    found = []
    for pk in sorted(counts, key=lambda pk: batches[pk].code):
        units = batches[pk].units
        found.append({"batch": batches[pk].code, "manufactured_on": batches[pk].manufactured_on,
                      "failures": counts[pk]["failures"], "nff": counts[pk]["nff"],
                      "units": units, "rate": per_thousand(counts[pk]["failures"], units)})
    return found


def top_movers(*, week: datetime.date, limit: int = 10) -> list[dict]:
    """Model x fault code series that moved most from the week before `week` to `week`."""
    week, before = monday(week), monday(week) - WEEK
    rows = (DefectWeek.objects.filter(week__in=[week, before])
            .values("model_id", "fault_code_id")
            .annotate(now=Sum("failures", filter=Q(week=week)),
                      before=Sum("failures", filter=Q(week=before))).order_by())
    names = {m.pk: str(m) for m in HandsetModel.objects.all()}
    found = [{"model": names.get(r["model_id"], ""), "model_id": r["model_id"],
              "fault_code": r["fault_code_id"], "this_week": r["now"] or 0,
              "last_week": r["before"] or 0, "change": (r["now"] or 0) - (r["before"] or 0)}
             for r in rows]
    found = [row for row in found if row["change"]]
    found.sort(key=lambda row: (-abs(row["change"]), row["model"], row["fault_code"]))
    return found[:limit]


def nff_rates(f: Filters, *, by: str) -> list[dict]:
    """No fault found over the records that were examined (confirmed, NFF or damage), by
    fault code first reported, diagnostic script, or script end node."""
    group = {"fault_code": ("reported_fault_code",), "script": ("script",),
             "end_node": ("script", "end_node")}[by]
    scripted = Q() if by == "fault_code" else ~Q(script="")
    found = _tally(f, start=f.start, rollup=DefectNffWeek, keys=group, measures={
        "examined": (Sum("examined"), Count("id")),
        "nff": (Sum("nff"), Count("id", filter=Q(verdict=Verdict.NFF)))},
        records_only=Q(verdict__in=EXAMINED) & scripted, cells_only=scripted)
    rows = []
    for key, counts in found.items():
        if not counts["examined"]:
            continue
        label = " / ".join(str(value) for value in key)
        rows.append({"key": label, **dict(zip(group, key, strict=True)),
                     "examined": counts["examined"], "nff": counts["nff"],
                     "rate": round(counts["nff"] / counts["examined"], 4)})
    rows.sort(key=lambda row: (-(row["rate"] or 0), row["key"]))
    return rows
