"""Reads of the repairs app: the repair centre's queue, a model's repair history, and the
measures (turnaround median and p90, first-time fix, parts, refills), computed in the
database, one query each, for the pages, the API and the command alike."""

from __future__ import annotations

import datetime

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncWeek
from django.utils import timezone

from repairs.models import (
    BENCH_STATES,
    PartStock,
    PartUse,
    PartUseStatus,
    RepairKind,
    RepairOrder,
    RepairStatus,
)


def repair_queue(*, status: str = "", kind: str = ""):
    """Units on the repair centre's bench, oldest promise first (stock units, which promise
    nobody, by arrival after the promised ones)."""
    found = RepairOrder.objects.on_bench().select_related("model", "fault_code", "case", "unit")
    if status in BENCH_STATES:
        found = found.filter(status=status)
    if kind in RepairKind.values:
        found = found.filter(kind=kind)
    return found.order_by(F("promised_by").asc(nulls_last=True), "received_at", "id")


def model_history(*, model, exclude=None, limit: int = 10):
    """The model's latest finished repairs: what was found and what was done."""
    found = (RepairOrder.objects.filter(model=model).exclude(result="")
             .select_related("found_fault_code", "fault_code").order_by("-updated_at"))
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found[:limit]


def reorder_alerts():
    return (PartStock.objects.below_reorder_point().filter(part__active=True)
            .select_related("part", "location"))


def _window(days: int, now=None):
    now = now or timezone.now()
    return now - datetime.timedelta(days=days), now


def _finished(since, until):
    return RepairOrder.objects.filter(finished_at__gte=since, finished_at__lt=until,
                                      turnaround_seconds__isnull=False)


def _percentile(qs, keys: list[str], fraction: float) -> dict:
    """Nearest-rank percentile of the turnaround per group: the row at rank ceil(f·n)."""
    partition = [F(key) for key in keys]
    ranked = (qs.annotate(_rank=Window(RowNumber(), partition_by=partition,
                                       order_by=[F("turnaround_seconds").asc(), F("pk").asc()]),
                          _n=Window(Count("pk"), partition_by=partition))
              .filter(_rank__gte=F("_n") * fraction, _rank__lt=F("_n") * fraction + 1))
    return {tuple(row[:-1]): row[-1]
            for row in ranked.values_list(*keys, "turnaround_seconds").order_by()}


def turnaround(*, days: int = 90, now=None) -> list[dict]:
    """Per model and fault: repairs finished, median and p90 turnaround (hours), first-time
    fix rate, promises kept (mail-in)."""
    since, until = _window(days, now)
    qs = _finished(since, until)
    keys = ["model_id", "fault_code_id"]
    rows = list(qs.values(*keys, "model__brand", "model__name", "fault_code__code").annotate(
        repairs=Count("id"),
        fixed_first=Count("id", filter=Q(first_time_fix=True)),
        fix_known=Count("id", filter=Q(first_time_fix__isnull=False)),
        promised=Count("id", filter=Q(promised_by__isnull=False)),
        on_time=Count("id", filter=Q(finished_at__lte=F("promised_by"))),
    ).order_by("model__brand", "model__name", "fault_code__code"))
    median, p90 = _percentile(qs, keys, 0.5), _percentile(qs, keys, 0.9)
    result = []
    for row in rows:
        key = (row["model_id"], row["fault_code_id"])
        result.append({
            "model": f"{row['model__brand']} {row['model__name']}",
            "fault_code": row["fault_code__code"], "repairs": row["repairs"],
            "median_hours": _hours(median.get(key)), "p90_hours": _hours(p90.get(key)),
            "first_time_fix_rate": _share(row["fixed_first"], row["fix_known"]),
            "on_time_rate": _share(row["on_time"], row["promised"]),
        })
    return result


def totals(*, days: int = 90, now=None) -> dict:
    since, until = _window(days, now)
    qs = _finished(since, until)
    row = qs.aggregate(repairs=Count("id"), fixed_first=Count("id", filter=Q(first_time_fix=True)),
                       fix_known=Count("id", filter=Q(first_time_fix__isnull=False)))
    median, p90 = _percentile(qs, ["kind"], 0.5), _percentile(qs, ["kind"], 0.9)
    return {"repairs": row["repairs"],
            "first_time_fix_rate": _share(row["fixed_first"], row["fix_known"]),
            "median_hours_by_kind": {k[0]: _hours(v) for k, v in median.items()},
            "p90_hours_by_kind": {k[0]: _hours(v) for k, v in p90.items()},
            "on_bench": RepairOrder.objects.on_bench().count(),
            "waiting_parts": RepairOrder.objects.filter(
                status=RepairStatus.WAITING_PARTS).count()}


def parts_consumption(*, days: int = 90, now=None) -> list[dict]:
    since, until = _window(days, now)
    cost = ExpressionWrapper(F("quantity") * F("unit_cost"),
                             output_field=DecimalField(max_digits=12, decimal_places=2))
    return list(PartUse.objects.filter(status=PartUseStatus.CONSUMED, consumed_at__gte=since,
                                       consumed_at__lt=until)
                .values("part__part_number", "part__description", "part__currency")
                .annotate(used=Sum("quantity"), cost=Sum(cost))
                .order_by("-used", "part__part_number"))


def refills_per_week(*, days: int = 90, now=None) -> list[dict]:
    """Stock units repaired and back in replacement stock (refurbished), per week."""
    since, until = _window(days, now)
    rows = (RepairOrder.objects.filter(kind=RepairKind.STOCK, status=RepairStatus.CLOSED,
                                       finished_at__gte=since, finished_at__lt=until)
            .annotate(week=TruncWeek("finished_at")).values("week")
            .annotate(units=Count("id")).order_by("week"))
    return [{"week": _date(row["week"]), "units": row["units"]} for row in rows]


def measures(*, days: int = 90, now=None) -> dict:
    return {"days": days, "totals": totals(days=days, now=now),
            "turnaround": turnaround(days=days, now=now),
            "parts": [{**row, "cost": str(row["cost"])} for row in
                      parts_consumption(days=days, now=now)],
            "refills_per_week": refills_per_week(days=days, now=now)}


def _hours(seconds) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) \
            else value.date().isoformat()
    return value.isoformat() if value else ""
