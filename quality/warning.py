"""The early-warning scan: every model x fault code series and every model x fault code x
batch series, read from the weekly roll-up, tested with quality.method, turned into alerts."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from hotline.outbox import outbox_enqueue
from hotline.workflow import record_event
from quality.exposure import in_field_series, shipped_by_month
from quality.method import Params, Signal, detect_window, params_from_settings
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
    baseline_failures: int
    window: list[int]
    signal: Signal
    batches: list[dict]

    @property
    def first_week(self) -> datetime.date:
        return self.weeks[-len(self.signal.cusum) + self.signal.first]


@dataclass
class _Series:
    baseline: int
    window: list[int]


def scan(*, as_of: datetime.date, params: Params | None = None) -> list[Finding]:
    """Test every series for the week ending by `as_of`; return the series that signal.

    One GROUP BY over the roll-up returns, per model x fault code x batch, the baseline's
    total and the window's weekly counts: the CUSUM needs nothing more. Model series are the
    sums of those small rows; only the batch series with `min_count` failures in the window
    (the others cannot signal) are tested.
    """
    params = params or params_from_settings()
    last = last_complete_week(as_of)
    weeks = [last - WEEK * (params.weeks - 1 - i) for i in range(params.weeks)]
    models: dict[tuple, _Series] = {}
    batches: dict[tuple, _Series] = {}
    for model_id, fault, batch_id, baseline, window in _series_totals(weeks, params):
        total = models.setdefault((model_id, fault), _Series(0, [0] * params.window_weeks))
        total.baseline += baseline
        total.window = [a + b for a, b in zip(total.window, window, strict=True)]
        if batch_id is not None and sum(window) >= params.min_count and any(window):
            batches[(model_id, fault, batch_id)] = _Series(baseline, window)
    live = {key for key, series in models.items() if any(series.window)}
    model_ids = {key[0] for key in live}
    shipped = shipped_by_month(model_ids=model_ids)
    exposures = {model_id: in_field_series(shipped.get(model_id, {}), weeks)
                 for model_id in model_ids}
    ordered = sorted(batches.items())
    by_model = defaultdict(list)
    for (model_id, fault, batch_id), series in ordered:
        by_model[(model_id, fault)].append((batch_id, series))
    signals = {}
    for key in sorted(live):
        series = models[key]
        signal = detect_window(series.baseline, series.window, exposures[key[0]], params)
        if signal is not None:
            signals[key] = signal
    names = dict(Batch.objects.filter(
        pk__in=[b for key in signals for b, _s in by_model[key]]).values_list("pk", "code"))
    findings = [Finding(key[0], key[1], None, weeks, models[key].baseline, models[key].window,
                        signal, _contributors(by_model[key], signal, names))
                for key, signal in signals.items()]
    starts = _batch_starts({key[2] for key in batches})
    in_field: dict[datetime.date | None, list[float]] = {}  # one exposure list per start week
    for key, series in ordered:
        if key[:2] not in live:
            continue
        start = starts.get(key[2])
        if start not in in_field:
            in_field[start] = [1.0 if start is not None and week >= start else 0.0
                               for week in weeks]
        exposure = in_field[start]
        signal = detect_window(series.baseline, series.window, exposure, params)
        if signal is not None:
            findings.append(Finding(key[0], key[1], key[2], weeks, series.baseline,
                                    series.window, signal, []))
    return findings


def _series_totals(weeks: list[datetime.date], params: Params) -> Iterator[tuple]:
    """Yield (model, fault code, batch, baseline failures, [failures of each window week])
    from one GROUP BY over the roll-up, the sums computed in the database."""
    window = weeks[params.baseline_weeks:]
    sums = {"baseline": Sum("failures", filter=Q(week__lt=window[0]))}
    sums |= {f"w{i}": Sum("failures", filter=Q(week=week)) for i, week in enumerate(window)}
    rows = (DefectWeek.objects.filter(week__gte=weeks[0], week__lte=weeks[-1], failures__gt=0)
            .values_list("model_id", "fault_code_id", "batch_id").annotate(**sums).order_by())
    # The ORM writes the query; the plain cursor skips its per-value converters, which cost
    # as much as the query itself on thousands of series (plain integers come back anyway).
    sql, params_ = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params_)
        for model_id, fault, batch_id, baseline, *counts in cursor.fetchall():
            yield model_id, fault, batch_id, baseline or 0, [n or 0 for n in counts]


def _batch_starts(batch_ids) -> dict[int, datetime.date]:
    """A batch is in the field from its manufacture (or its first failure when unknown)."""
    starts = {pk: monday(made) for pk, made in Batch.objects.filter(
        pk__in=batch_ids, manufactured_on__isnull=False).values_list("pk", "manufactured_on")}
    missing = set(batch_ids) - set(starts)
    if missing:
        starts |= dict(DefectWeek.objects.filter(batch_id__in=missing).values("batch_id")
                       .annotate(first=Min("week")).values_list("batch_id", "first"))
    return starts


def _contributors(rows: list[tuple[int, _Series]], signal: Signal,
                  names: dict[int, str]) -> list[dict]:
    """The batches that contribute most to a model series' signal: observed in the signal
    weeks against their share of the baseline failures."""
    if not rows:
        return []
    total_base = sum(series.baseline for _b, series in rows) + 0.5 * len(rows)
    found = []
    for batch_id, series in rows:
        share = (series.baseline + 0.5) / total_base
        observed = sum(series.window[signal.first:])
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
        "observed": finding.window,
        "expected": [round(mu, 3) for mu in finding.signal.expected_weeks],
        "cusum": [round(s, 3) for s in finding.signal.cusum],
        "baseline_weeks": params.baseline_weeks,
        "baseline_failures": finding.baseline_failures,
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
        record_event(alert, action="alert_raised", actor_label=gettext_noop("early warning"),
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
