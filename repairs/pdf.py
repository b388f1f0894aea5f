"""The mail-in repair's packing slip (reportlab), sent with the carrier's prepaid label."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from repairs.models import RepairOrder


def packing_slip_pdf(*, order: RepairOrder) -> bytes:
    """One A4 page: what to pack, what to keep, the repair number as a barcode."""
    language = order.case.customer.language if order.case_id else "en"
    with translation.override(language or "en"):
        buffer = io.BytesIO()
        width, height = A4
        canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
        canvas.setTitle(_("Packing slip %(number)s") % {"number": order.number})
        margin, y = 20 * mm, height - 20 * mm
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(margin, y, _("Packing slip for your repair"))
        y -= 10 * mm
        canvas.setFont("Helvetica", 11)
        lines = [
            _("Repair number: %(number)s") % {"number": order.number},
            _("Case: %(case)s") % {"case": order.case.number if order.case_id else "—"},
            _("Handset: %(model)s, IMEI %(imei)s") % {"model": order.model, "imei": order.imei},
            _("Reported fault: %(code)s %(fault)s") % {"code": order.fault_code.code,
                                                       "fault": order.fault_code.description},
        ]
        if order.inbound_id:
            lines.append(_("Prepaid label: %(carrier)s %(number)s") % {
                "carrier": order.inbound.carrier, "number": order.inbound.tracking_number})
        for line in lines:
            canvas.drawString(margin, y, line)
            y -= 7 * mm
        y -= 4 * mm
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(margin, y, _("Before you send it"))
        y -= 7 * mm
        canvas.setFont("Helvetica", 11)
        for step in (_("Back up your data, then switch off Find my phone / activation lock."),
                     _("Remove the SIM card and any memory card."),
                     _("Keep the charger, the cable and the case: send the handset alone."),
                     _("Wrap the handset in padding, put this slip in the box, close it."),
                     _("Stick the prepaid label on the box and drop it at the carrier.")):
            canvas.drawString(margin + 4 * mm, y, "• " + step)
            y -= 7 * mm
        barcode = Code128(order.number, barHeight=14 * mm, barWidth=0.45 * mm)
        barcode.drawOn(canvas, margin, y - 20 * mm)
        canvas.drawString(margin, y - 26 * mm, order.number)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()


def mail_in_pack_pdf(*, order: RepairOrder) -> bytes:
    """The packing slip followed by the carrier's prepaid label, as one PDF to print."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(packing_slip_pdf(order=order))).pages:
        writer.add_page(page)
    label = order.inbound.label_pdf if order.inbound_id else None
    if label:
        with label.open("rb") as handle:
            for page in PdfReader(io.BytesIO(handle.read())).pages:
                writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mail_in_pack_attachment(*, order_id: int) -> tuple[str, bytes, str]:
    """Notification attachment: (filename, PDF, mimetype)."""
    order = RepairOrder.objects.select_related("case__customer", "inbound", "model",
                                               "fault_code").get(pk=order_id)
    return f"{order.number}.pdf", mail_in_pack_pdf(order=order), "application/pdf"
