"""The technician's visit report as a PDF (reportlab): attached to the completion e-mail,
and downloadable from the console and the customer's tracking page."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exchanges.models import Visit


def visit_report_pdf(*, visit) -> bytes:
    """Render the technician's visit report as a PDF for the customer."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"{_('Visit report')} {visit.case.number}", author="Hotline")
    local = timezone.localtime
    minutes = int(visit.time_on_site.total_seconds() // 60) if visit.time_on_site else 0
    found = visit.confirmed_fault_code or visit.fault_code
    rows = [
        [_("Case"), visit.case.number],
        [_("Customer"), visit.case.customer.full_name],
        [_("Address"), Paragraph(visit.address_line, styles["Normal"])],
        [_("Technician"), visit.technician.name if visit.technician else "—"],
        [_("Booked slot"), f"{local(visit.slot_start):%Y-%m-%d %H:%M}–{local(visit.slot_end):%H:%M}"
         if visit.slot_start else "—"],
        [_("Arrived"), f"{local(visit.on_site_at):%Y-%m-%d %H:%M}" if visit.on_site_at else "—"],
        [_("Time on site"), _("%(minutes)s min") % {"minutes": minutes}],
        [_("Fault found"), Paragraph(f"{found.code} {found.description}", styles["Normal"])],
        [_("Work done"), Paragraph(visit.work_done or "—", styles["Normal"])],
        [_("Parts used"), Paragraph(visit.parts_used or "—", styles["Normal"])],
        [_("Signed by the customer"), _signature(visit)],
    ]
    table = Table(rows, colWidths=[50 * mm, 124 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
    ]))
    doc.build([Paragraph(_("Visit report"), styles["Title"]), Spacer(1, 4 * mm), table])
    return buffer.getvalue()


def _signature(visit):
    """The drawn signature (with the name typed beside it, if any), else the typed name."""
    if not visit.signature_png:
        return visit.signed_by or "—"
    png = bytes(visit.signature_png)
    width, height = ImageReader(io.BytesIO(png)).getSize()
    shown_width = 60 * mm
    drawing = Image(io.BytesIO(png), width=shown_width,
                    height=shown_width * height / width if width else 20 * mm)
    drawing.hAlign = "LEFT"
    return [drawing, Paragraph(visit.signed_by, getSampleStyleSheet()["Normal"])] \
        if visit.signed_by else drawing


def visit_report_attachment(*, visit_id: int) -> tuple[str, bytes, str]:
    """Return the visit report PDF as an e-mail attachment, in the customer's language."""
    visit = Visit.objects.select_related("case__customer", "technician", "fault_code",
                                         "confirmed_fault_code").get(pk=visit_id)
    with translation.override(visit.case.customer.language or "fr"):
        content = visit_report_pdf(visit=visit)
    return f"visit-report-{visit.case.number}.pdf", content, "application/pdf"
