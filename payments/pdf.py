"""The payment receipt (reportlab), in the customer's language, naming the seller."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from payments.domain import RefundStatus
from payments.models import Payment


def money(amount, currency: str) -> str:
    return f"{amount:,.2f} {currency}".replace(",", "\u202f")


def receipt_pdf(*, payment: Payment) -> bytes:
    """Render the receipt of a paid payment (with its refunds) as a one-page PDF."""
    with translation.override(payment.language or settings.LANGUAGE_CODE):
        return _render(payment)


def _render(payment: Payment) -> bytes:
    styles = getSampleStyleSheet()
    seller = settings.HOTLINE_SELLER
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"{_('Receipt')} {payment.reference}", author=seller["name"])
    paid_on = formats.date_format(timezone.localtime(payment.paid_at), "DATETIME_FORMAT")
    story = [
        Paragraph(f"{_('Receipt')} {payment.reference}", styles["Title"]),
        Paragraph(f"<b>{seller['name']}</b><br/>{seller['address']}"
                  + (f"<br/>{_('VAT number')}: {seller['vat_number']}" if seller["vat_number"] else ""),
                  styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    rows = [[_("Description"), _("Amount")],
            [Paragraph(payment.description, styles["Normal"]), money(payment.amount, payment.currency)]]
    for refund in payment.refunds.filter(status=RefundStatus.SUCCEEDED).order_by("settled_at"):
        rows.append([Paragraph(_("Refund %(ref)s on %(date)s: %(reason)s") % {
            "ref": refund.reference,
            "date": formats.date_format(timezone.localtime(refund.settled_at), "DATE_FORMAT"),
            "reason": refund.get_reason_display()}, styles["Normal"]),
            money(-refund.amount, payment.currency)])
    rows.append([_("Total paid"), money(payment.amount - payment.amount_refunded, payment.currency)])
    table = Table(rows, colWidths=[134 * mm, 40 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 6 * mm), Paragraph(
        _("Paid by card on %(date)s through %(provider)s (payment reference %(ref)s).") % {
            "date": paid_on, "provider": payment.provider, "ref": payment.provider_ref},
        styles["Normal"])]
    doc.build(story)
    return buffer.getvalue()
