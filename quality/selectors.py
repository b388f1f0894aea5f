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
from quality.models import FAILURE_VERDICTS, Batch, DefectRecord, DefectWeek, Verdict, monday, month_start

DIMENSIONS = ("model", "fault_code", "batch", "production_month", "months_in_service")
WEEK = datetime.timedelta(days=7)


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


def _records(f: Filters, *, start: datetime.date | None = None):
    rows = DefectRecord.objects.filter(occurred_on__lte=f.end)
    if start is not None:
        rows = rows.filter(occurred_on__gte=start)
    if f.model_id:
        rows = rows.filter(model_id=f.model_id)
    if f.fault_code:
        rows = rows.filter(fault_code_id=f.fault_code)
    if f.country:
        rows = rows.filter(country=f.country)
    return rows


def failure_rates(f: Filters, *, by: str) -> list[dict]:
    """Failures in [start, end] per 1,000 units in the field, by one dimension."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    if by == "months_in_service":
        return hazard(f)
    records = _records(f, start=f.start).failures()
    if by == "model":
        counts = records.values("model_id").annotate(n=Count("id")).order_by()
        names = {m.pk: str(m) for m in HandsetModel.objects.filter(pk__in=[r["model_id"] for r in counts])}
        shipped = shipped_by_month(model_ids=list(names), country=f.country)
        rows = [{"key": r["model_id"], "label": names[r["model_id"]], "failures": r["n"],
                 "units": in_field(shipped.get(r["model_id"], {}), f.end)} for r in counts]
    elif by == "fault_code":
        counts = records.values("fault_code_id", "category").annotate(n=Count("id")).order_by()
        shipped = shipped_by_month(model_ids=[f.model_id] if f.model_id else None, country=f.country)
        units = sum(in_field(months, f.end) for months in shipped.values())
        rows = [{"key": r["fault_code_id"], "label": r["fault_code_id"], "category": r["category"],
                 "failures": r["n"], "units": units} for r in counts]
    elif by == "batch":
        counts = (records.filter(batch__isnull=False).values("batch_id").annotate(n=Count("id"))
                  .order_by())
        batches = Batch.objects.in_bulk([r["batch_id"] for r in counts])
        rows = [{"key": batches[r["batch_id"]].code, "label": batches[r["batch_id"]].code,
                 "model": str(batches[r["batch_id"]].model_id), "failures": r["n"],
                 "units": batches[r["batch_id"]].units,
                 "manufactured_on": batches[r["batch_id"]].manufactured_on} for r in counts]
    else:  # production_month: the units of the batches made that month
        counts = (records.filter(production_month__isnull=False).values("production_month")
                  .annotate(n=Count("id")).order_by())
        made = defaultdict(int)
        batches = Batch.objects.exclude(imei_from="").filter(manufactured_on__isnull=False)
        if f.model_id:
            batches = batches.filter(model_id=f.model_id)
        for batch in batches:
            made[month_start(batch.manufactured_on)] += batch.units or 0
        rows = [{"key": r["production_month"].isoformat()[:7], "label": r["production_month"].isoformat()[:7],
                 "failures": r["n"], "units": made.get(r["production_month"]) or None} for r in counts]
    for row in rows:
        row["rate"] = per_thousand(row["failures"], row["units"])
    return sorted(rows, key=lambda row: (row["rate"] is None, -(row["rate"] or 0), str(row["label"])))


def hazard(f: Filters) -> list[dict]:
    """Failures in the k-th month of service over the units that reached it by `end`
    (a Nevada view: every failure up to `end`, whatever its date)."""
    counts = dict(_records(f).failures().filter(months_in_service__isnull=False)
                  .values_list("months_in_service").annotate(n=Count("id")).order_by())
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
    counts = list(_records(f, start=f.start).failures().values("fault_code_id")
                  .annotate(n=Count("id")).order_by("-n", "fault_code_id"))
    total = sum(row["n"] for row in counts) or 1
    descriptions = {code.pk: code.description for code in FaultCode.objects.filter(
        pk__in=[row["fault_code_id"] for row in counts])}
    running, rows = 0, []
    for row in counts:
        running += row["n"]
        rows.append({"fault_code": row["fault_code_id"], "description": descriptions.get(
            row["fault_code_id"], ""), "failures": row["n"], "share": round(row["n"] / total, 4),
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
    records = _records(f, start=f.start).filter(batch__isnull=False)
    rows = (records.values("batch_id", code=F("batch__code"), made=F("batch__manufactured_on"))
            .annotate(failures=Count("id", filter=Q(verdict__in=FAILURE_VERDICTS)),
                      nff=Count("id", filter=Q(verdict=Verdict.NFF))).order_by("code"))
    batches = Batch.objects.in_bulk([row["batch_id"] for row in rows])
    found = []
    for row in rows:
        units = batches[row["batch_id"]].units
        found.append({"batch": row["code"], "manufactured_on": row["made"], "failures": row["failures"],
                      "nff": row["nff"], "units": units, "rate": per_thousand(row["failures"], units)})
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
    group = {"fault_code": ["reported_fault_code"], "script": ["script"],
             "end_node": ["script", "end_node"]}[by]
    records = _records(f, start=f.start).filter(verdict__in=[
        Verdict.CONFIRMED, Verdict.NFF, Verdict.CUSTOMER_DAMAGE])
    if by != "fault_code":
        records = records.exclude(script="")
    rows = (records.values(*group).annotate(examined=Count("id"),
                                            nff=Count("id", filter=Q(verdict=Verdict.NFF)))
            .order_by(*group))
    found = []
    for row in rows:
        label = " / ".join(str(row[name]) for name in group)
        found.append({"key": label, **{name: row[name] for name in group},
                      "examined": row["examined"], "nff": row["nff"],
                      "rate": round(row["nff"] / row["examined"], 4) if row["examined"] else None})
    found.sort(key=lambda row: (-(row["rate"] or 0), row["key"]))
    return found
