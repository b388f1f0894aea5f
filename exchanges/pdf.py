"""The quote as a PDF (reportlab), attached to the quote e-mail and offered on the quote page."""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exchanges.models import Quote


def _money(amount, currency: str) -> str:
    return f"{amount:,.2f} {currency}".replace(",", "\u202f")


def quote_pdf(*, quote: Quote, link: str = "") -> bytes:
    """Render the itemised quote as a one-page PDF."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"{_('Quote')} {quote.number}", author="Hotline")
    case, customer = quote.case, quote.case.customer
    story = [
        Paragraph(f"{_('Quote')} {quote.number}", styles["Title"]),
        Paragraph(_("Case %(case)s for %(name)s") % {"case": case.number,
                                                     "name": customer.full_name},
                  styles["Normal"]),
        Paragraph(_("Issued on %(date)s, valid until %(until)s.") % {
            "date": timezone.localdate(quote.created_at).isoformat(),
            "until": timezone.localdate(quote.expires_at).isoformat()}, styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    rows = [[_("Description"), _("Quantity"), _("Unit price"), _("Amount")]]
    for line in quote.lines.all():
        rows.append([Paragraph(line.description, styles["Normal"]), str(line.quantity),
                     _money(line.unit_price, quote.currency), _money(line.amount, quote.currency)])
    rows.append([_("Subtotal before tax"), "", "", _money(quote.subtotal, quote.currency)])
    rows.append([_("Delivery fee"), "", "", _money(quote.delivery_fee, quote.currency)])
    rows.append([_("Tax (%(rate)s %%)") % {"rate": f"{quote.tax_rate * 100:.1f}"}, "", "",
                 _money(quote.tax_amount, quote.currency)])
    rows.append([_("Total to pay"), "", "", _money(quote.total, quote.currency)])
    table = Table(rows, colWidths=[90 * mm, 20 * mm, 32 * mm, 32 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -4), (-1, -4), 0.5, colors.grey),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 8 * mm), Paragraph(_(
        "Nothing is charged and nothing is sent before you accept this quote in writing. No "
        "fee will be added that this quote does not show."), styles["Normal"])]
    if quote.outcome == "swap":
        from exchanges.services.swaps import unreturned_charge_terms

        story.append(Paragraph(unreturned_charge_terms(currency=quote.currency),
                               styles["Normal"]))
    if link:
        story.append(Paragraph(_("Accept or decline it at %(link)s, quoting confirmation number "
                                 "%(number)s.") % {"link": link, "number": quote.number},
                               styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def quote_pdf_attachment(*, quote_id: int) -> tuple[str, bytes, str]:
    """Return the quote PDF as an e-mail attachment, in the customer's language."""
    from exchanges.services.quotes import quote_link

    quote = Quote.objects.select_related("case__customer").get(pk=quote_id)
    with translation.override(quote.case.customer.language or "fr"):
        content = quote_pdf(quote=quote, link=quote_link(quote=quote))
    return f"quote-{quote.number}.pdf", content, "application/pdf"


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
        [_("Signed by the customer"), visit.signed_by or "—"],
    ]
    table = Table(rows, colWidths=[50 * mm, 124 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
    ]))
    doc.build([Paragraph(_("Visit report"), styles["Title"]), Spacer(1, 4 * mm), table])
    return buffer.getvalue()


def visit_report_attachment(*, visit_id: int) -> tuple[str, bytes, str]:
    """Return the visit report PDF as an e-mail attachment, in the customer's language."""
    from exchanges.models import Visit

    visit = Visit.objects.select_related("case__customer", "technician", "fault_code",
                                         "confirmed_fault_code").get(pk=visit_id)
    with translation.override(visit.case.customer.language or "fr"):
        content = visit_report_pdf(visit=visit)
    return f"visit-report-{visit.case.number}.pdf", content, "application/pdf"
