"""The QA console: landing page, tables with charts, alerts, imports, the weekly report."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.capabilities import capability_required, has_capability
from hotline.charts import Series, bar_chart, line_chart
from hotline.dates import as_date, format_local
from hotline.errors import DomainError
from quality import imports, selectors, services
from quality.capabilities import ACT_ON_ALERTS, IMPORT_QUALITY_DATA, VIEW_QUALITY
from quality.forms import AlertActionForm, FilterForm, UploadForm
from quality.models import Alert, AlertStatus
from quality.report import report_pdf
from quality.scripts import ScriptNames
from quality.selectors import Filters
from quality.tables import TABLES, record_row, records_queryset, to_csv
from quality.templatetags.quality_tags import WEEK_COLUMNS
from quality.warning import last_complete_week

IMPORTERS = {"field_returns": imports.import_field_returns, "batches": imports.import_batches,
             "installed_base": imports.import_installed_base}


def filters_from(form: FilterForm) -> Filters:
    data = form.cleaned_data
    return Filters(start=data["start"], end=data["end"],
                   model_id=data["model"].pk if data.get("model") else None,
                   fault_code=data["fault"].pk if data.get("fault") else None,
                   country=data.get("country") or "")


def _chart(table, rows, title):
    if not table.chart or not rows:
        return ""
    label, value = table.chart
    # weeks as the reader says them ("26 Oct", "26 oct."); the CSV keeps ISO dates
    labels = [format_local(as_date(row[label]), "d MMM") if label in WEEK_COLUMNS
              else Truncator(str(row[label])).chars(60) for row in rows][:40]
    values = [row[value] for row in rows][:40]
    percent = value in table.percent
    if table.line:
        # a rate per 1,000 units is small: scale the axis to the values, not to 0..1
        top = max([v for v in values if v is not None] or [0])
        return line_chart(title=title, labels=labels, series=[Series(str(table.title), values)],
                          y_max=top * 1.1 if 0 < top < 1 else None)
    # long labels (scripts, batches, models) read better down the side than under the bars;
    # pygal draws the first bar at the bottom: reverse, so the table's first row is on top
    labels, values = labels[::-1], values[::-1]
    return bar_chart(title=title, labels=labels, series=[Series(str(table.title), values)],
                     percent=percent, horizontal=True, height=max(200, 60 + 22 * len(labels)),
                     max_labels=len(labels))


@capability_required(VIEW_QUALITY)
def home(request):
    """The QA landing page: open alerts first, then what moved and what fails most."""
    today = timezone.localdate()
    week = last_complete_week(today)
    live = (Alert.objects.exclude(status=AlertStatus.RESOLVED)
            .select_related("model", "fault_code", "batch", "owner"))
    f = Filters(start=today - datetime.timedelta(weeks=13), end=today)
    rates = selectors.failure_rates(f, by="model")
    movers = selectors.top_movers(week=week, limit=8)
    top = live.order_by("-statistic").first()
    chart = ""
    if top is not None:
        chart = _alert_chart(top)
    rate_chart = bar_chart(title=_("Failures per 1,000 units in the field, last 13 weeks"),
                           labels=[row["label"] for row in rates],
                           series=[Series(_("Per 1,000 units"), [row["rate"] for row in rates])],
                           horizontal=True, height=260) if rates else ""
    return render(request, "quality/home.html", {
        "alerts": live[:20], "open_count": live.count(), "top": top, "alert_chart": chart,
        "rates": rates, "rate_chart": rate_chart, "movers": movers, "week": week})


@capability_required(VIEW_QUALITY)
def table(request, name):
    """One QA table with its filters and chart; ?format=csv downloads it."""
    spec = TABLES.get(name)
    if spec is None:
        raise Http404
    form = FilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "quality/table.html", {"form": form, "table": spec, "rows": []},
                      status=400)
    if not request.GET:
        form = FilterForm({})
        form.is_valid()
    f = filters_from(form)
    params = {"by": request.GET.get("by", ""), "status": request.GET.get("status", "")}
    if name == "records":
        return _records(request, spec, form, f)
    rows = spec.rows(f, params)
    if request.GET.get("format") == "csv":
        return _csv_response(name, to_csv(spec, rows))
    if name == "nff" and params["by"] in ("script", "end_node"):
        rows = _script_titles(rows)
    title = str(spec.title)
    if spec.options:
        title = f"{title} — {dict(spec.options).get(params['by'], spec.options[0][1])}"
    return render(request, "quality/table.html", {
        "form": form, "table": spec, "rows": rows, "chart": _chart(spec, rows, title),
        "by": params["by"] or (spec.options[0][0] if spec.options else ""),
        "columns": spec.columns, "percent": spec.percent, "numeric": _numeric(spec, rows),
        "query": request.GET.urlencode()})


def _script_titles(rows: list[dict]) -> list[dict]:
    """The NFF rows by script or end node, labelled with the script's and node's titles (the
    CSV and the API keep their ids)."""
    names = ScriptNames(row.get("script") for row in rows)
    return [{**row, "key": names.label(row.get("script", ""), row.get("end_node", ""))}
            for row in rows]


def _numeric(spec, rows) -> set[str]:
    """The columns holding figures (right-aligned, as on the landing page)."""
    return {key for key, _heading in spec.columns if key in spec.percent or any(
        isinstance(row.get(key), int | float) and not isinstance(row.get(key), bool)
        for row in rows)}


def _csv_response(name: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-{name}.csv"'
    return response


class RecordPaginator(Paginator):
    """Pages of records counted from the weekly roll-up (selectors.record_count), not by a
    COUNT over millions of records."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self):
        return self._count


class _Echo:
    def write(self, value):
        return value


def _records(request, spec, form, f):
    records = records_queryset(f)
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        keys = [key for key, _h in spec.columns]

        def lines():
            yield writer.writerow(keys)
            for r in records.iterator(chunk_size=2000):
                row = record_row(r)
                yield writer.writerow(["" if row[k] is None else row[k] for k in keys])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="quality-records.csv"'
        return response
    page = RecordPaginator(records, 50, count=selectors.record_count(f)).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)  # labelled once, shown as labelled
    names = ScriptNames(r.script for r in page.object_list)
    for r in page.object_list:
        r.script_label = names.label(r.script, r.end_node)
    return render(request, "quality/records.html", {"form": form, "table": spec, "page": page,
                                                    "query": request.GET.urlencode()})


# --- alerts ------------------------------------------------------------------------------------
@capability_required(VIEW_QUALITY)
def alert_list(request):
    status = request.GET.get("status") or AlertStatus.OPEN
    alerts = Alert.objects.select_related("model", "fault_code", "batch", "owner")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    page = Paginator(alerts, 25).get_page(request.GET.get("page"))
    counts = {s: Alert.objects.filter(status=s).count() for s in AlertStatus.values}
    return render(request, "quality/alerts.html", {
        "page": page, "status": status, "statuses": AlertStatus.choices, "counts": counts})


def _alert_chart(alert: Alert):
    evidence = alert.evidence or {}
    weeks = evidence.get("weeks") or []
    if not weeks:
        return ""
    return line_chart(
        title=_("Failures per week against the expected count"),
        labels=[format_local(as_date(week), "d MMM") for week in weeks],
        series=[Series(_("Observed"), evidence.get("observed", [])),
                Series(_("Expected"), evidence.get("expected", [])),
                Series(_("CUSUM statistic"), evidence.get("cusum", []))],
        target=evidence.get("threshold"), target_label=_("Threshold"), height=300)


@capability_required(VIEW_QUALITY)
def alert_detail(request, pk):
    alert = get_object_or_404(Alert.objects.select_related("model", "fault_code", "batch", "owner"),
                              pk=pk)
    form = AlertActionForm()
    evidence = alert.evidence or {}
    weeks = list(zip(evidence.get("weeks", []), evidence.get("observed", []),
                     evidence.get("expected", []), evidence.get("cusum", []), strict=False))
    return render(request, "quality/alert_detail.html", {
        "alert": alert, "form": form, "chart": _alert_chart(alert), "weeks": weeks,
        "notes": alert.notes.select_related("author"),
        "can_act": has_capability(request.user, ACT_ON_ALERTS)})


@require_POST
@capability_required(ACT_ON_ALERTS)
def alert_act(request, pk):
    alert = get_object_or_404(Alert, pk=pk)
    form = AlertActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the alert."))
        return redirect("quality:alert", pk=pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "note":
            services.alert_note_add(alert=alert, actor=request.user, text=note)
            messages.success(request, _("Note added."))
        elif action == "assign":
            services.alert_assign(alert=alert, actor=request.user, owner=request.user)
            messages.success(request, _("You own this alert."))
        else:
            services.alert_act(alert=alert, action=action, actor=request.user, note=note)
            messages.success(request, _("Alert updated."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("quality:alert", pk=pk)


# --- imports and report ---------------------------------------------------------------------------
@capability_required(IMPORT_QUALITY_DATA)
def upload(request):
    """Import a CSV from the console, with the same checks and messages as the commands."""
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = IMPORTERS[data["kind"]](data["file"], skip_invalid=data["skip_invalid"])
        if result.imported:
            messages.success(request, result.summary())
            if result.rejects:
                return _csv_response(f"{data['kind']}-rejects", result.rejects)
        else:
            messages.error(request, _("%(count)d invalid row(s): nothing imported (fix them, or "
                                      "tick the box to import the valid rows).")
                           % {"count": len(result.errors)})
    return render(request, "quality/upload.html", {"form": form, "result": result},
                  status=400 if result is not None and not result.imported else 200)


@capability_required(VIEW_QUALITY)
def report(request):
    """The weekly PDF report, for the week that ended by today (or ?as_of=YYYY-MM-DD)."""
    try:
        as_of = datetime.date.fromisoformat(request.GET.get("as_of") or "") if request.GET.get(
            "as_of") else timezone.localdate()
    except ValueError:
        messages.error(request, _("Give the date as YYYY-MM-DD."))
        return redirect("quality:home")
    response = HttpResponse(report_pdf(as_of=as_of), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quality-report-{as_of}.pdf"'
    return response
