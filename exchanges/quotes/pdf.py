"""The quote as a PDF (reportlab), attached to the quote e-mail and offered on the quote page."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exchanges.models import Quote
from exchanges.quotes.services import quote_link
from exchanges.swaps.services import unreturned_charge_terms


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
        Paragraph(_("Seller: %(name)s, %(address)s. VAT number %(vat)s.") % {
            "name": settings.HOTLINE_SELLER["name"], "address": settings.HOTLINE_SELLER["address"],
            "vat": settings.HOTLINE_SELLER["vat_number"]}, styles["Normal"]),
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
    quote = Quote.objects.select_related("case__customer").get(pk=quote_id)
    with translation.override(quote.case.customer.language or "fr"):
        content = quote_pdf(quote=quote, link=quote_link(quote=quote))
    return f"quote-{quote.number}.pdf", content, "application/pdf"
