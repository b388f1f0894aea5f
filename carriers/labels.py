"""Labels and slips, drawn with reportlab.

- `render_label_pdf`: an A6 parcel label (sender, recipient, tracking number as a Code128
  barcode and as text, service, weight, the lithium battery mark); with `is_return` it is the
  return label stuck on the faulty unit's box.
- `render_label_zpl`: the same label for thermal printers.
- `render_slip_pdf`: the A4 slip for the customer: what to hand to the courier, how to back up
  and wipe the old phone, to keep the SIM and memory card. In the customer's language.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carriers.domain import Address, Service


@dataclass(frozen=True)
class LabelData:
    tracking_number: str
    carrier_name: str
    service: str
    sender: Address
    recipient: Address
    weight_kg: str
    reference: str = ""
    lithium: bool = True
    is_return: bool = False
    parcel_count: int = 1
    ship_date: datetime.date | None = None


@dataclass(frozen=True)
class SlipData:
    customer: Address
    language: str
    delivery_tracking_number: str
    return_tracking_number: str
    carrier_name: str
    service: str
    reference: str = ""
    ship_date: datetime.date | None = None


def label_barcode(tracking_number: str) -> Code128:
    """Return the Code128 barcode of a tracking number as it is drawn on every label."""
    return Code128(tracking_number, barWidth=0.33 * mm, barHeight=18 * mm, humanReadable=False,
                   quiet=True)


def _service_label(service: str) -> str:
    try:
        return str(Service(service).label)
    except ValueError:
        return service


def render_label_pdf(data: LabelData) -> bytes:
    """Return an A6 label as PDF bytes."""
    buffer = io.BytesIO()
    width, height = A6
    canvas = Canvas(buffer, pagesize=A6, pageCompression=0)
    canvas.setTitle(f"{data.carrier_name} {data.tracking_number}")
    margin = 6 * mm
    y = height - margin

    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(margin, y - 10, data.carrier_name)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawRightString(width - margin, y - 10, _service_label(data.service).upper())
    y -= 16
    if data.is_return:
        canvas.setFillColor(colors.black)
        canvas.rect(margin, y - 16, width - 2 * margin, 14, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(width / 2, y - 12, _("RETURN: faulty unit"))
        canvas.setFillColor(colors.black)
        y -= 20
    canvas.line(margin, y, width - margin, y)

    y -= 10
    canvas.setFont("Helvetica", 7)
    canvas.drawString(margin, y, _("From"))
    canvas.setFont("Helvetica", 8)
    for line in data.sender.lines()[:5]:
        y -= 9
        canvas.drawString(margin, y, line[:60])
    y -= 14
    canvas.setFont("Helvetica", 7)
    canvas.drawString(margin, y, _("To"))
    canvas.setFont("Helvetica-Bold", 11)
    for line in data.recipient.lines()[:6]:
        y -= 13
        canvas.drawString(margin, y, line[:40])
    if data.recipient.phone:
        y -= 11
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, y, data.recipient.phone)
    y -= 8
    canvas.line(margin, y, width - margin, y)

    barcode = label_barcode(data.tracking_number)
    bar_y = 42 * mm
    barcode.drawOn(canvas, max(margin, (width - barcode.width) / 2), bar_y)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(width / 2, bar_y - 12, _spaced(data.tracking_number))

    canvas.setFont("Helvetica", 8)
    facts = [f"{_('Weight')}: {data.weight_kg} kg",
             f"{_('Parcels')}: {data.parcel_count}"]
    if data.ship_date:
        facts.append(f"{_('Date')}: {data.ship_date:%Y-%m-%d}")
    canvas.drawString(margin, 26 * mm, "   ".join(facts))
    if data.reference:
        canvas.drawString(margin, 22 * mm, f"{_('Ref.')}: {data.reference}")
    if data.lithium:
        _lithium_mark(canvas, x=width - margin - 34 * mm, y=margin, w=34 * mm, h=17 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _lithium_mark(canvas: Canvas, *, x: float, y: float, w: float, h: float) -> None:
    """Draw the lithium battery handling mark (UN3481, batteries contained in equipment)."""
    canvas.saveState()
    canvas.setStrokeColor(colors.red)
    canvas.setLineWidth(2.5)
    canvas.setDash(3, 2)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawCentredString(x + w / 2, y + h - 11, "UN3481")
    canvas.setFont("Helvetica", 5.5)
    canvas.drawCentredString(x + w / 2, y + h - 19, "LITHIUM ION BATTERIES")
    canvas.drawCentredString(x + w / 2, y + h - 26, "CONTAINED IN EQUIPMENT")
    canvas.drawCentredString(x + w / 2, y + 4, "PI967 Section II")


def _spaced(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def render_label_zpl(data: LabelData) -> str:
    """Return the label as ZPL II for a 4x6 inch thermal printer (203 dpi)."""

    def text(value: str) -> str:
        return value.replace("^", " ").replace("~", " ")

    lines = ["^XA", "^CI28", "^PW812", "^LL1218",
             f"^FO40,40^A0N,40,40^FD{text(data.carrier_name)}^FS",
             f"^FO500,40^A0N,30,30^FD{text(_service_label(data.service).upper())}^FS"]
    y = 100
    if data.is_return:
        lines.append(f"^FO40,{y}^GB732,50,50^FS")
        lines.append(f"^FO60,{y + 10}^A0N,34,34^FR^FD{text(_('RETURN: faulty unit'))}^FS")
        y += 70
    lines.append(f"^FO40,{y}^A0N,24,24^FD{text(_('From'))}^FS")
    for line in data.sender.lines()[:5]:
        y += 30
        lines.append(f"^FO40,{y}^A0N,26,26^FD{text(line)}^FS")
    y += 50
    lines.append(f"^FO40,{y}^A0N,24,24^FD{text(_('To'))}^FS")
    for line in data.recipient.lines()[:6]:
        y += 42
        lines.append(f"^FO40,{y}^A0N,38,38^FD{text(line)}^FS")
    lines += [
        "^BY3,3,200",
        f"^FO60,{y + 70}^BCN,200,Y,N,N^FD{text(data.tracking_number)}^FS",
        f"^FO40,{y + 320}^A0N,26,26^FD{_('Weight')}: {data.weight_kg} kg   "
        f"{_('Ref.')}: {text(data.reference)}^FS",
    ]
    if data.lithium:
        lines += [f"^FO500,{y + 360}^GB280,120,6^FS",
                  f"^FO520,{y + 380}^A0N,34,34^FDUN3481^FS",
                  f"^FO520,{y + 420}^A0N,18,18^FDLITHIUM ION BATTERIES^FS",
                  f"^FO520,{y + 442}^A0N,18,18^FDCONTAINED IN EQUIPMENT^FS"]
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def render_slip_pdf(data: SlipData) -> bytes:
    """Return the A4 customer slip as PDF bytes, in the customer's language."""
    with translation.override(data.language or "en"):
        return _render_slip(data)


def _render_slip(data: SlipData) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(_("Your replacement phone"))
    margin = 20 * mm
    y = height - margin

    def heading(text: str, size: int = 13) -> None:
        nonlocal y
        y -= size + 10
        canvas.setFont("Helvetica-Bold", size)
        canvas.drawString(margin, y, text)

    def para(text: str, size: float = 10, indent: float = 0) -> None:
        nonlocal y
        canvas.setFont("Helvetica", size)
        for line in _wrap(text, 95 - int(indent / mm)):
            y -= size + 3
            canvas.drawString(margin + indent, y, line)

    heading(_("Your replacement phone"), 18)
    y -= 4
    name = data.customer.name or ""
    para(_("Hello %(name)s,") % {"name": name})
    para(_("%(carrier)s brings your replacement phone (%(service)s). In the same visit the "
           "courier collects your faulty phone: please have it ready, packed in the box the "
           "replacement arrives in.") % {"carrier": data.carrier_name,
                                         "service": _service_label(data.service)})

    heading(_("What to hand to the courier"))
    for item in (_("Your faulty phone, switched off, in the replacement's box."),
                 _("Stick the return label (marked RETURN) on the box, over the old label."),
                 _("Do not add the charger, the cable, a case or any accessory.")):
        para(f"•  {item}", indent=4 * mm)

    heading(_("Before the courier comes: back up and wipe your old phone"))
    for number, item in enumerate((
            _("Back up your photos, contacts and messages (to your cloud account or a "
              "computer)."),
            _("Sign out of your accounts and switch off the phone's anti-theft lock (Find my "
              "device); a locked phone cannot be inspected."),
            _("Reset the phone to its factory settings (Settings > System > Reset)."),
            _("Switch the phone off.")), start=1):
        para(f"{number}.  {item}", indent=4 * mm)

    heading(_("Keep your SIM card and memory card"))
    para(_("Take out your SIM card and your memory card before handing over the phone: we "
           "cannot return them. Put them in your new phone."))

    heading(_("Tracking"))
    para(_("Delivery: %(number)s") % {"number": data.delivery_tracking_number})
    if data.return_tracking_number:
        para(_("Return of the faulty phone: %(number)s") % {
            "number": data.return_tracking_number})
    if data.reference:
        para(_("Our reference: %(reference)s") % {"reference": data.reference})

    barcode = label_barcode(data.return_tracking_number or data.delivery_tracking_number)
    barcode.drawOn(canvas, margin, max(25 * mm, y - 30 * mm))
    canvas.setFont("Helvetica", 8)
    canvas.drawString(margin, 15 * mm, _("The courier may scan this barcode to find your "
                                         "return parcel."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text: str, limit: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines
