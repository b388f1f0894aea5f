"""The early-warning scan: every model x fault code series and every model x fault code x
batch series, read from the weekly roll-up, tested with quality.method, turned into alerts."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from hotline.outbox import outbox_enqueue
from hotline.workflow import record_event
from quality.exposure import in_field_series, shipped_by_month
from quality.method import Params, Signal, detect, params_from_settings
from quality.models import Alert, AlertStatus, Batch, DefectWeek, monday

log = logging.getLogger(__name__)
WEEK = datetime.timedelta(days=7)


def last_complete_week(as_of: datetime.date) -> datetime.date:
    """Return the Monday of the last week that had ended by the end of `as_of`."""
    return monday(as_of - datetime.timedelta(days=6))


@dataclass
class Finding:
    model_id: int
    fault_code: str
    batch_id: int | None
    weeks: list[datetime.date]
    counts: list[int]
    signal: Signal
    batches: list[dict]

    @property
    def first_week(self) -> datetime.date:
        return self.weeks[-len(self.signal.cusum) + self.signal.first]


def scan(*, as_of: datetime.date, params: Params | None = None) -> list[Finding]:
    """Test every series for the week ending by `as_of`; return the series that signal."""
    params = params or params_from_settings()
    last = last_complete_week(as_of)
    weeks = [last - WEEK * (params.weeks - 1 - i) for i in range(params.weeks)]
    index = {week: i for i, week in enumerate(weeks)}
    window_start = weeks[params.baseline_weeks]
    in_range = DefectWeek.objects.filter(week__gte=weeks[0], week__lte=last, failures__gt=0)
    series: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(weeks))
    live = set()
    for model_id, fault, week, n in (in_range.values_list("model_id", "fault_code_id", "week")
                                     .annotate(n=Sum("failures")).order_by().iterator()):
        series[(model_id, fault)][index[week]] = n
        if week >= window_start:
            live.add((model_id, fault))
    # Batch series: only those with enough failures in the window to ever signal.
    hot = set(in_range.filter(week__gte=window_start, batch__isnull=False)
              .values_list("model_id", "fault_code_id", "batch_id").annotate(n=Sum("failures"))
              .filter(n__gte=params.min_count).values_list("model_id", "fault_code_id", "batch_id"))
    batch_series: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(weeks))
    if hot:
        rows = (in_range.filter(batch_id__in={key[2] for key in hot})
                .values_list("model_id", "fault_code_id", "batch_id", "week", "failures"))
        for model_id, fault, batch_id, week, n in rows.iterator(chunk_size=5000):
            if (model_id, fault, batch_id) in hot:
                batch_series[(model_id, fault, batch_id)][index[week]] += n
    shipped = shipped_by_month(model_ids={key[0] for key in live})
    exposures = {model_id: in_field_series(shipped.get(model_id, {}), weeks)
                 for model_id in {key[0] for key in live}}
    findings = []
    for key in sorted(live):
        signal = detect(series[key], exposures[key[0]], params)
        if signal is not None:
            findings.append(Finding(key[0], key[1], None, weeks, series[key], signal,
                                    _contributors(key, batch_series, signal, params)))
    starts = _batch_starts({key[2] for key in batch_series})
    for key, counts in sorted(batch_series.items()):
        if key[:2] not in live or not any(counts[params.baseline_weeks:]):
            continue
        start = starts.get(key[2])
        exposure = [1.0 if start is not None and week >= start else 0.0 for week in weeks]
        signal = detect(counts, exposure, params)
        if signal is not None:
            findings.append(Finding(key[0], key[1], key[2], weeks, counts, signal, []))
    return findings


def _batch_starts(batch_ids) -> dict[int, datetime.date]:
    """A batch is in the field from its manufacture (or its first failure when unknown)."""
    starts = {pk: monday(made) for pk, made in Batch.objects.filter(
        pk__in=batch_ids, manufactured_on__isnull=False).values_list("pk", "manufactured_on")}
    missing = set(batch_ids) - set(starts)
    if missing:
        starts |= dict(DefectWeek.objects.filter(batch_id__in=missing).values("batch_id")
                       .annotate(first=Min("week")).values_list("batch_id", "first"))
    return starts


def _contributors(key, batch_series, signal: Signal, params: Params) -> list[dict]:
    """The batches that contribute most to a model series' signal: observed in the signal
    weeks against their share of the baseline failures."""
    base, first = params.baseline_weeks, params.baseline_weeks + signal.first
    rows = [(batch_id, counts) for (model_id, fault, batch_id), counts in batch_series.items()
            if (model_id, fault) == key]
    if not rows:
        return []
    total_base = sum(sum(counts[:base]) for _b, counts in rows) + 0.5 * len(rows)
    names = dict(Batch.objects.filter(pk__in=[b for b, _c in rows]).values_list("pk", "code"))
    found = []
    for batch_id, counts in rows:
        share = (sum(counts[:base]) + 0.5) / total_base
        observed = sum(counts[first:])
        expected = share * signal.expected
        found.append({"batch": names.get(batch_id, ""), "observed": observed,
                      "expected": round(expected, 2), "excess": round(observed - expected, 2)})
    found.sort(key=lambda row: row["excess"], reverse=True)
    return [row for row in found if row["observed"]][:5]


# --- alerts ----------------------------------------------------------------------------------
def alerts_scan(*, as_of: datetime.date | None = None, params: Params | None = None) -> list[Alert]:
    """Run the scan and raise (or refresh) one alert per signalling series."""
    as_of = as_of or timezone.localdate()
    params = params or params_from_settings()
    raised = []
    for finding in scan(as_of=as_of, params=params):
        raised.append(_alert_upsert(finding, params))
    log.info("defect_scan", extra={"as_of": as_of.isoformat(), "signals": len(raised)})
    return raised


def _evidence(finding: Finding, params: Params) -> dict:
    window = finding.weeks[params.baseline_weeks:]
    return {
        "weeks": [week.isoformat() for week in window],
        "observed": finding.counts[params.baseline_weeks:],
        "expected": [round(mu, 3) for mu in finding.signal.expected_weeks],
        "cusum": [round(s, 3) for s in finding.signal.cusum],
        "baseline_weeks": params.baseline_weeks,
        "baseline_failures": sum(finding.counts[:params.baseline_weeks]),
        "baseline_rate": finding.signal.rate,
        "threshold": params.threshold,
        "batches": finding.batches,
    }


def _alert_upsert(finding: Finding, params: Params) -> Alert:
    fields = {"first_week": finding.first_week, "last_week": finding.weeks[-1],
              "observed": finding.signal.observed, "expected": round(finding.signal.expected, 3),
              "statistic": round(finding.signal.statistic, 3), "method": params.label,
              "evidence": _evidence(finding, params)}
    with transaction.atomic():
        alert = (Alert.objects.select_for_update()
                 .filter(model_id=finding.model_id, fault_code_id=finding.fault_code,
                         batch_id=finding.batch_id).exclude(status=AlertStatus.RESOLVED).first())
        if alert is not None:
            if alert.last_week <= finding.weeks[-1]:
                fields["first_week"] = min(alert.first_week, fields["first_week"])
                Alert.objects.filter(pk=alert.pk).update(**fields)
                alert.refresh_from_db()
            return alert
        alert = Alert.objects.create(model_id=finding.model_id, fault_code_id=finding.fault_code,
                                     batch_id=finding.batch_id, detected_week=finding.weeks[-1],
                                     **fields)
        record_event(alert, action="alert_raised", actor_label="early warning",
                     data={"observed": alert.observed, "expected": alert.expected,
                           "statistic": alert.statistic})
        outbox_enqueue(task="quality.tasks.alert_notify", kwargs={"alert_id": alert.pk},
                       key=f"quality-alert-{alert.pk}")
    return alert


def alert_json(alert: Alert) -> dict:
    return {"model": str(alert.model), "fault_code": alert.fault_code_id,
            "batch": alert.batch.code if alert.batch_id else None,
            "first_week": alert.first_week.isoformat(), "observed": alert.observed,
            "expected": round(alert.expected, 2), "statistic": round(alert.statistic, 2),
            "method": alert.method, "status": alert.status}
