"""What the tracking page shows: only public words, no operator names, no internal notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.translation import gettext as _

from carriers.models import Shipment
from diagnostics.models import FaultCategory
from exchanges.models import Quote, Swap, SwapStatus, Visit, VisitStatus
from exchanges.quotes.payments import quote_payment
from exchanges.quotes.services import quote_link
from exchanges.swaps.services import tracking_url
from hotline.models import Case
from partners.status import describe, public_status, public_timeline
from selfservice.models import FollowUp
from selfservice.services import REBOOKABLE

# Faults after which the phone cannot be backed up: never tell the customer to back it up.
DEAD_PHONE = {FaultCategory.POWER, FaultCategory.LIQUID_DAMAGE}


@dataclass
class Parcel:
    label: str
    tracking_number: str
    link: str
    is_link: bool
    events: list = field(default_factory=list)


def _parcel(shipment: Shipment | None, label: str) -> Parcel | None:
    if shipment is None or not shipment.tracking_number:
        return None
    link = tracking_url(shipment)
    events = [{"at": event.occurred_at, "status": event.get_status_display(), "place": event.location}
              for event in shipment.events.order_by("-occurred_at", "-id")[:20]]
    return Parcel(label=label, tracking_number=shipment.tracking_number, link=link,
                  is_link=link.startswith("http"), events=events)


def what_to_prepare(*, case: Case, swap: Swap | None, visit: Visit | None) -> list[str]:
    """The checklist for the customer, fitted to the fault and the service."""
    category = None
    order = swap or visit
    if order is not None and order.fault_code_id:
        category = order.fault_code.category
    items = []
    if swap is not None:
        items += [_("Have your faulty phone ready: the courier takes it when handing over the "
                    "replacement."),
                  _("Remove your SIM card and memory card."),
                  _("Sign out of your accounts and turn off the phone's anti-theft lock "
                    "(Find my device).")]
    elif visit is not None:
        items += [_("Have the phone, its charger and your proof of purchase at hand."),
                  _("Make sure someone is at home during the window.")]
    if order is not None:
        if category in DEAD_PHONE:
            items.append(_("Your phone does not switch on: do not try to charge it or dry it "
                           "with heat; your data will be handled by the repair centre."))
        else:
            items.append(_("Back up your photos, contacts and messages while the phone still "
                           "works."))
    return items


def tracking_page(*, case: Case) -> dict:
    """Everything the tracking page shows for a case."""
    status = public_status(case)
    swap = Swap.objects.filter(case=case).select_related("fault_code", "outbound", "collection") \
        .order_by("-created_at").first()
    visit = Visit.objects.filter(case=case).select_related("fault_code").order_by("-created_at").first()
    quote = Quote.objects.filter(case=case).first()
    parcels = [p for p in (_parcel(swap.outbound, _("Your replacement")) if swap else None,
                           _parcel(swap.collection, _("Your faulty phone, collected")) if swap else None)
               if p is not None]
    payment = quote_payment(quote=quote) if quote else None
    return {
        "case": case,
        "status": describe(status),
        "timeline": public_timeline(case),
        "swap": swap,
        "swap_rebookable": swap is not None and swap.status in REBOOKABLE,
        "swap_held": swap is not None and swap.status == SwapStatus.HELD_AT_DEPOT,
        # The place is the courier's words, as it gave them (not the site's to translate).
        "hold_place": format_html('<span translate="no">{}</span>', swap.hold_location)
        if swap is not None and swap.hold_location else "",
        "visit": visit if visit is not None and visit.status != VisitStatus.CANCELLED else None,
        "visit_confirmable": visit is not None and visit.status == VisitStatus.SCHEDULED,
        "parcels": parcels,
        "prepare": what_to_prepare(case=case, swap=swap, visit=visit),
        "quote": quote,
        "quote_link": quote_link(quote=quote) if quote else "",
        "payment": payment,
        "follow_ups": FollowUp.objects.filter(case=case).order_by("-created_at"),
    }
