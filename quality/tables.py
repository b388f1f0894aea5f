"""Every QA table, declared once: its title, columns and rows. The same declaration serves
the console page (with its chart), the read-only API and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quality import selectors
from quality.models import Alert, AlertStatus
from quality.selectors import Filters


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, heading)
    rows: Callable[[Filters, dict], list[dict]]
    chart: tuple[str, str] | None = None  # (label key, value key) of a bar chart
    line: bool = False  # a line chart instead
    options: tuple[tuple[str, str], ...] = ()  # choices of the `by` parameter
    needs_model: bool = False
    percent: tuple[str, ...] = ()  # columns holding a 0..1 share, shown as a percentage


RECORDS_PAGE_MAX = 1000  # rows per page of the records API

RATE_COLUMNS = (("label", _("Group")), ("failures", _("Failures")), ("units", _("Units in field")),
                ("rate", _("Per 1,000 units")))
RATE_BY = (("model", _("model")), ("fault_code", _("fault code")), ("batch", _("batch")),
           ("production_month", _("month of production")),
           ("months_in_service", _("months in service (hazard)")))
NFF_BY = (("fault_code", _("fault code")), ("script", _("diagnostic script")),
          ("end_node", _("script end node")))


def record_row(r) -> dict:
    """One defect record as QA sees it (no customer data): page, API and CSV alike."""
    return {"occurred_on": r.occurred_on, "model": str(r.model), "imei": r.imei,
            "fault_code": r.fault_code_id, "category": r.category,
            "batch": r.batch.code if r.batch_id else "", "production_month": r.production_month,
            "months_in_service": r.months_in_service, "country": r.country, "region": r.region,
            "source": r.get_source_display(), "verdict": r.get_verdict_display(),
            "script": r.script, "end_node": r.end_node, "component": r.component,
            "root_cause": r.root_cause}


def records_queryset(f: Filters):
    """Every record of the filters, newest first: paginated or streamed, never cut."""
    return selectors._records(f, start=f.start).select_related("model", "batch")


def _records(f: Filters, params: dict) -> list[dict]:
    # The records table is paginated by its callers (page, API, CSV stream); this is its
    # first page, for callers that want a list.
    return [record_row(r) for r in records_queryset(f)[:RECORDS_PAGE_MAX]]


def _alerts(f: Filters, params: dict) -> list[dict]:
    status = params.get("status") or ""
    alerts = Alert.objects.select_related("model", "batch", "owner")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    if f.model_id:
        alerts = alerts.filter(model_id=f.model_id)
    return [{"id": a.pk, "model": str(a.model), "fault_code": a.fault_code_id,
             "batch": a.batch.code if a.batch_id else "", "status": a.get_status_display(),
             "first_week": a.first_week, "observed": a.observed, "expected": round(a.expected, 2),
             "statistic": round(a.statistic, 2), "owner": a.owner.get_username() if a.owner else "",
             "method": a.method} for a in alerts[:1000]]


TABLES = {t.name: t for t in [
    Table("rates", _("Failure rates"), RATE_COLUMNS,
          lambda f, p: selectors.failure_rates(f, by=p.get("by") or "model"),
          chart=("label", "rate"), options=RATE_BY),
    Table("pareto", _("Pareto of fault codes"),
          (("fault_code", _("Fault code")), ("description", _("Description")),
           ("failures", _("Failures")), ("share", _("Share")), ("cumulative", _("Cumulative share"))),
          lambda f, p: selectors.pareto(f), chart=("fault_code", "failures"), needs_model=True,
          percent=("share", "cumulative")),
    Table("trend", _("Weekly trend"),
          (("week", _("Week")), ("failures", _("Failures")), ("units", _("Units in field")),
           ("rate", _("Per 1,000 units"))),
          lambda f, p: selectors.weekly_trend(f), chart=("week", "rate"), line=True),
    Table("batches", _("Batch comparison"),
          (("batch", _("Batch")), ("manufactured_on", _("Made on")), ("failures", _("Failures")),
           ("nff", _("No fault found")), ("units", _("Units")), ("rate", _("Per 1,000 units"))),
          lambda f, p: selectors.batch_comparison(f), chart=("batch", "rate")),
    Table("movers", _("Top movers week over week"),
          (("model", _("Model")), ("fault_code", _("Fault code")), ("last_week", _("Week before")),
           ("this_week", _("Week")), ("change", pgettext_lazy("difference between two figures", "Change"))),
          lambda f, p: selectors.top_movers(week=f.end)),
    Table("nff", _("No fault found rates"),
          (("key", _("Group")), ("examined", _("Examined")), ("nff", _("No fault found")),
           ("rate", _("NFF share"))),
          lambda f, p: selectors.nff_rates(f, by=p.get("by") if p.get("by") in dict(NFF_BY)
                                           else "fault_code"),
          chart=("key", "rate"), options=NFF_BY, percent=("rate",)),
    Table("records", _("Defect records"),
          (("occurred_on", _("Occurred on")), ("model", _("Model")), ("imei", _("IMEI")),
           ("fault_code", _("Fault code")), ("batch", _("Batch")),
           ("months_in_service", _("Months in service")), ("country", _("Country")),
           ("region", _("Region")), ("source", _("Source")), ("verdict", _("Verdict")),
           ("script", _("Script")), ("end_node", _("End node")), ("component", _("Component")),
           ("root_cause", _("Root cause"))), _records),
    Table("alerts", _("Alerts"),
          (("model", _("Model")), ("fault_code", _("Fault code")), ("batch", _("Batch")),
           ("status", _("Status")), ("first_week", _("First week")), ("observed", _("Observed")),
           ("expected", _("Expected")), ("statistic", _("Statistic")), ("owner", _("Owner"))),
          _alerts),
]}


def to_csv(table: Table, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _heading in table.columns])
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _h in table.columns])
    return out.getvalue()



