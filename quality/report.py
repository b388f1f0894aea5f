"""The weekly QA report as a PDF (reportlab, with its own charts): top faults per model,
open alerts with their evidence, NFF rates, movers. E-mailed on Mondays, downloadable."""

from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hotline.dates import format_local
from hotline.models import HandsetModel
from quality import selectors
from quality.models import Alert, AlertStatus
from quality.notify import qa_recipients
from quality.selectors import Filters
from quality.warning import last_complete_week

BRAND, BAD, MUTED = colors.HexColor("#0b5cad"), colors.HexColor("#b3261e"), colors.HexColor("#5b6576")
TABLE_STYLE = TableStyle([
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f4f8")]),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def _bar(labels: list[str], values: list[float], title: str) -> Drawing:
    height = 30 + 14 * max(1, len(labels))
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 80, 10, 170 * mm - 100, height - 30
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BRAND
    drawing.add(chart)
    drawing.add(String(0, height - 10, title, fontSize=9, fillColor=MUTED))
    return drawing


def _line(observed: list[int], expected: list[float], title: str) -> Drawing:
    drawing = Drawing(170 * mm, 120)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 20, 170 * mm - 60, 80
    n = len(observed)
    plot.data = [[(i, v) for i, v in enumerate(observed)], [(i, v) for i, v in enumerate(expected)]]
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = BAD, 1.5
    plot.lines[1].strokeColor, plot.lines[1].strokeDashArray = BRAND, [3, 2]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, n - 1)
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    drawing.add(plot)
    drawing.add(String(0, 108, title, fontSize=9, fillColor=MUTED))
    return drawing


def report_pdf(*, as_of: datetime.date) -> bytes:
    """Render the report for the week that had ended by `as_of`."""
    styles = getSampleStyleSheet()
    week = last_complete_week(as_of)
    week_end = week + datetime.timedelta(days=6)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_("Quality weekly report"), author="Hotline")
    f = Filters(start=week - datetime.timedelta(weeks=12), end=week_end)
    story = [Paragraph(_("Quality weekly report"), styles["Title"]),
             Paragraph(_("Week of %(start)s to %(end)s; figures over the 13 weeks to its end.")
                       % {"start": format_local(week, "d MMM y"),
                          "end": format_local(week_end, "d MMM y")}, styles["Normal"]),
             Spacer(1, 4 * mm)]
    story += _alerts_section(styles)
    story.append(Paragraph(_("Top faults per model"), styles["Heading2"]))
    for model in HandsetModel.objects.filter(defect_records__occurred_on__gte=f.start).distinct():
        rows = selectors.pareto(Filters(start=f.start, end=f.end, model_id=model.pk))[:8]
        if rows:
            story.append(_bar([row["fault_code"] for row in rows], [row["failures"] for row in rows],
                              str(model)))
    movers = selectors.top_movers(week=week, limit=10)
    story.append(Paragraph(_("Top movers week over week"), styles["Heading2"]))
    change = pgettext("difference between two figures", "Change")
    story.append(_table([_("Model"), _("Fault code"), _("Week before"), _("Week"), change],
                        [[m["model"], m["fault_code"], m["last_week"], m["this_week"],
                          f"{m['change']:+d}"] for m in movers]))
    nff = selectors.nff_rates(f, by="fault_code")[:12]
    story.append(Paragraph(_("No fault found rates"), styles["Heading2"]))
    story.append(_table([_("Fault code"), _("Examined"), _("No fault found"), _("NFF share")],
                        [[r["key"], r["examined"], r["nff"], f"{(r['rate'] or 0) * 100:.0f} %"]
                         for r in nff]))
    nodes = selectors.nff_rates(f, by="end_node")[:12]
    story.append(Paragraph(_("No fault found by script end node"), styles["Heading3"]))
    story.append(_table([_("Script / end node"), _("Examined"), _("No fault found"), _("NFF share")],
                        [[r["key"], r["examined"], r["nff"], f"{(r['rate'] or 0) * 100:.0f} %"]
                         for r in nodes]))
    doc.build(story)
    return buffer.getvalue()


def _table(header: list[str], rows: list[list]) -> Table:
    if not rows:
        return Table([[_("Nothing to show.")]])
    table = Table([header, *rows], repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def _alerts_section(styles) -> list:
    alerts = list(Alert.objects.exclude(status=AlertStatus.RESOLVED)
                  .select_related("model", "batch").order_by("-statistic")[:10])
    story = [Paragraph(_("Open alerts"), styles["Heading2"])]
    if not alerts:
        return [*story, Paragraph(_("No open alert."), styles["Normal"])]
    story.append(_table(
        [_("Model"), _("Fault code"), _("Batch"), _("First week"), _("Observed"), _("Expected"),
         _("Statistic"), _("Status")],
        [[str(a.model), a.fault_code_id, a.batch.code if a.batch_id else "—",
          format_local(a.first_week, "d MMM y"), a.observed, f"{a.expected:.1f}", f"{a.statistic:.1f}",
          a.get_status_display()] for a in alerts]))
    for alert in alerts[:4]:
        evidence = alert.evidence or {}
        if evidence.get("observed"):
            title = f"{alert} — " + _("observed (red) against expected (blue dashes)")
            story.append(_line(evidence["observed"], evidence.get("expected", []), title))
        batches = evidence.get("batches") or []
        if batches:
            story.append(Paragraph(_("Batches contributing most: %(list)s") % {"list": ", ".join(
                f"{b['batch']} ({b['observed']} / {b['expected']})" for b in batches[:3])},
                styles["Normal"]))
    story.append(PageBreak())
    return story


def report_send(*, as_of: datetime.date) -> int:
    """E-mail the report to the QA group; return how many messages were sent."""
    recipients = qa_recipients()
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        week = last_complete_week(as_of)
        message = EmailMessage(
            subject=_("Quality weekly report, week of %(week)s") % {"week": format_local(week, "d MMM y")},
            body=_("The weekly quality report is attached; the console has the details."),
            to=recipients)
        message.attach(f"quality-report-{week.isoformat()}.pdf", report_pdf(as_of=as_of),
                       "application/pdf")
    return message.send()
