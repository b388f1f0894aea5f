"""Reads for partners: the cases a distributor may see and the public view of one case.

The public view speaks only the public vocabulary (partners.status): no internal state, no
operator's name, no internal note, no technician's name.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from carriers.domain import UnknownCarrier
from carriers.models import TrackingEvent
from carriers.registry import carrier_get
from exchanges.models import Quote, Swap
from exchanges.swaps.services import tracking_url
from hotline.models import Case
from partners.models import PublicCase
from partners.status import (
    DESCRIPTIONS,
    ORDER_MACHINES,
    PublicStatus,
    public_status,
    public_timeline,
    timeline_prefetch,
)


def cases_visible(*, distributor=None) -> QuerySet[Case]:
    """Every case for hotline staff (distributor None); a distributor's own otherwise: those
    it opened and those of handsets it sold. Each with what its public view reads (a query
    per kind of service order, one for the quotes, the tracking events and the audit trail:
    a fixed number, whatever the case holds)."""
    cases = (Case.objects.select_related("handset__model", "customer", "distributor", "public")
             .prefetch_related(*_PUBLIC_VIEW_PREFETCHES()))
    if distributor is not None:
        cases = cases.visible_to_distributor(distributor)
    return cases


def case_list(*, distributor=None, status: str | None = None,
              updated_since: datetime.datetime | None = None, imei: str | None = None,
              external_reference: str | None = None,
              cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases visible to `distributor` (among `cases`: all by default, read as cases_visible
    reads them), filtered by public status, last public change, IMEI or the distributor's
    own reference; newest first. (Reads only: a case still without its public view is
    listed with its status as of now, and found by the two filters once the refresh after
    its change, or `public_cases_fill`, has given it one.)"""
    if cases is None:
        cases = cases_visible()
    if distributor is not None:
        cases = cases.visible_to_distributor(distributor)
    if status:
        cases = cases.filter(public__status=status)
    if updated_since is not None:
        cases = cases.filter(public__changed_at__gte=updated_since)
    if imei:
        cases = cases.filter(handset__imei=imei)
    if external_reference:
        reference = Q(public__external_reference=external_reference)
        if distributor is not None:
            reference &= Q(public__distributor=distributor)
        cases = cases.filter(reference)
    return cases.order_by("-created_at", "-pk")


def public_cases_fill(*, limit: int = 5000, quiet_minutes: int | None = None) -> int:
    """Give a public view, silently, to the cases that have none yet though nothing changed
    them for `quiet_minutes` (PARTNERS_PUBLIC_FILL_AFTER_MINUTES): made before partners, or by
    a path that wrote no audit event; return how many. Run by the beat. A case changed since
    is left to the refresh that its change queued: it makes the view and tells the
    distributors of that change, which a view made here first would have hidden."""
    quiet = settings.PARTNERS_PUBLIC_FILL_AFTER_MINUTES if quiet_minutes is None \
        else quiet_minutes
    before = timezone.now() - datetime.timedelta(minutes=quiet)
    missing = list(Case.objects.filter(public__isnull=True, updated_at__lt=before)
                   .prefetch_related(*[m.related_name for m in ORDER_MACHINES])[:limit])
    PublicCase.objects.bulk_create(
        [PublicCase(case=case, distributor_id=case.distributor_id,
                    status=public_status(case), changed_at=case.updated_at)
         for case in missing], ignore_conflicts=True)
    return len(missing)


# The columns the public view reads of each service order (the rows are wide: the rest would
# cost more to turn into objects than to fetch). A column added to the view goes here too:
# partners/tests/test_api_costs.py counts the statements, and a deferred column read costs one.
ORDER_COLUMNS = ("id", "case_id", "status", "created_at")
_VIEW_COLUMNS = {
    "swaps": (*ORDER_COLUMNS, "promised_by", "outbound_id", "outbound__id", "outbound__carrier",
              "outbound__tracking_number", "outbound__status"),
    "visits": (*ORDER_COLUMNS, "slot_start", "slot_end"),
    "quotes": (*ORDER_COLUMNS, "total", "currency", "expires_at"),
}


def _PUBLIC_VIEW_PREFETCHES():  # noqa: N802 (built when asked: models are loaded then)
    lookups = [Prefetch("swaps", queryset=Swap.objects.select_related("outbound")
                        .only(*_VIEW_COLUMNS["swaps"])),
               Prefetch("swaps__outbound__events", queryset=TrackingEvent.objects.order_by(
                   "occurred_at", "pk").only("shipment_id", "occurred_at", "status",
                                             "location")),
               Prefetch("quotes", queryset=Quote.objects.only(*_VIEW_COLUMNS["quotes"])),
               timeline_prefetch()]
    for machine in ORDER_MACHINES:
        if machine.related_name != "swaps":
            model = apps.get_model(machine.model)
            columns = _VIEW_COLUMNS.get(machine.related_name, ORDER_COLUMNS)
            lookups.append(Prefetch(machine.related_name,
                                    queryset=model.objects.only(*columns)))
    return lookups


def case_public_view(case: Case, *, staff: bool = False) -> dict:
    """Return everything a partner may know about a case, in the active language (from what
    cases_visible read with it, else with a few queries of its own)."""
    status = public_status(case)
    public = getattr(case, "public", None) if _has_public(case) else None
    swaps = case.swaps.all() if _prefetched(case, "swaps") else \
        case.swaps.select_related("outbound")
    swap = _current(swaps)
    visit = _current(case.visits.all())
    quote = _newest(case.quotes.all()) if hasattr(case, "quotes") else None
    handset = case.handset
    return {
        "number": case.number,
        "external_reference": public.external_reference if public else None,
        "status": status.value,
        "status_label": str(status.label),
        "status_description": str(DESCRIPTIONS[status]),
        "internal_status": case.status if staff else None,
        "channel": case.channel,
        "symptom": case.symptom,
        "symptom_label": case.get_symptom_display(),
        "customer": case.customer.full_name,
        "handset": None if handset is None else {
            "imei": handset.imei,
            "model": str(handset.model) if handset.model_id else None,
            "purchase_date": handset.purchase_date,
            "warranty_end": handset.warranty_end,
        },
        "distributor": case.distributor.code if case.distributor_id else None,
        "created_at": case.created_at,
        "updated_at": public.changed_at if public else case.updated_at,
        "promise": _promise(swap, visit, status),
        "shipment": _shipment(swap),
        "visit": None if visit is None else {
            "status": _word(visit), "window_start": visit.slot_start,
            "window_end": visit.slot_end,
        },
        "quote": None if quote is None else {
            "status": quote.status, "status_label": quote.get_status_display(),
            "total": str(quote.total), "currency": quote.currency,
            "expires_at": quote.expires_at,
        },
        "timeline": [
            {"at": entry.at, "status": entry.status.value, "label": entry.label,
             "description": entry.description}
            for entry in public_timeline(case)
        ],
    }


def _prefetched(case, name: str) -> bool:
    return name in getattr(case, "_prefetched_objects_cache", {})


def _has_public(case) -> bool:
    try:
        case.public  # noqa: B018
    except PublicCase.DoesNotExist:
        return False
    return True


def _machine(order):
    return next(m for m in ORDER_MACHINES if m.model == order._meta.label)


def _is_open(order) -> bool:
    return getattr(order, _machine(order).field) not in _machine(order).finished


def _newest(orders: list):
    return max(orders, key=lambda o: (o.created_at, o.pk), default=None)


def _current(orders):
    """The open order created last, else the last one."""
    orders = sorted(orders, key=lambda o: (o.created_at, o.pk), reverse=True)
    live = [o for o in orders if _is_open(o)]
    return (live or orders or [None])[0]


def _word(order) -> str:
    machine = _machine(order)
    return machine.mapping[getattr(order, machine.field)].value


def _promise(swap, visit, status) -> dict | None:
    if status in (PublicStatus.RESOLVED, PublicStatus.CLOSED, PublicStatus.CANCELLED):
        return None
    if visit is not None and _is_open(visit) and visit.slot_start:
        return {"kind": "visit", "due_by": visit.slot_end, "window_start": visit.slot_start,
                "window_end": visit.slot_end}
    if swap is not None and _is_open(swap) and swap.promised_by:
        return {"kind": "delivery", "due_by": swap.promised_by, "window_start": None,
                "window_end": swap.promised_by}
    return None


def _shipment(swap) -> dict | None:
    shipment = swap.outbound if swap is not None else None
    if shipment is None:
        return None
    courier, link = courier_and_link(shipment.carrier, shipment.tracking_number)
    return {
        "courier": courier,
        "tracking_number": shipment.tracking_number or None,
        "tracking_url": link,
        "status": shipment.status,
        "status_label": shipment.get_status_display(),
        "events": [
            {"at": event.occurred_at, "status": event.status,
             "label": event.get_status_display(), "location": event.location}
            for event in shipment.events.all()  # in order (Meta.ordering, or the prefetch's)
        ],
    }


def current_swap(case):
    """The swap the public view speaks of (read with the case by cases_visible)."""
    return _current(case.swaps.all())


def courier_and_link(carrier: str, tracking_number: str) -> tuple[str, str | None]:
    """The courier's name and the customer's tracking link of a parcel (None when the courier
    has no public page for it), by today's settings."""
    try:
        courier = carrier_get(carrier).name or carrier
        url = tracking_url(SimpleNamespace(carrier=carrier, tracking_number=tracking_number)) \
            if tracking_number else ""
    except UnknownCarrier:  # a carrier removed from settings since: its code, no link
        courier, url = carrier, ""
    return courier, url if url.startswith("http") else None


