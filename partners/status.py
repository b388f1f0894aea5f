"""The public status vocabulary: what distributors and customers are told about a case.

A small, stable set of words (`PublicStatus`), each with a translated label and description,
mapped from the internal states of the Case, Swap and Visit machines in ONE place (the
tables below). Internal states may be renamed or split; the public words never change
meaning. Every distributor and customer view speaks only this vocabulary.

The whole API of this module:

- `PublicStatus`: the vocabulary (a TextChoices: `.value` is the stable code, `.label`
  the translated label); `describe(code)` -> `{"code", "label", "description"}`.
- `public_status(case)` -> `PublicStatus`: the case's public status now.
- `public_timeline(case)` -> `list[TimelineEntry]`: each public status the case went through,
  oldest first (`at`, `status`, `label`, `description`), with no operator names and no notes;
  `timeline_prefetch()` reads its audit trail with the case (`prefetch_related`).
- `MACHINES`: the mapping tables, one `Machine` per state machine. To map a new machine (a
  repair order, say) add one `Machine` here; `partners/tests/test_status.py` fails while any
  state of any machine listed here has no public word.

How the word is chosen: the case's own state decides (`CASE_MAP`), except while the case is
in service or referred (`None` in the table): then its current service order (a swap, a
visit, a mail-in repair, a referral to a service point) decides (the open order
created last; else the last one that was not cancelled; else the last one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from hotline.models import AuditEvent


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DIAGNOSING = "diagnosing", _("Diagnosing")
    AWAITING_CUSTOMER = "awaiting_customer", _("Waiting for the customer")
    QUOTE_DECLINED = "quote_declined", _("Quote declined")
    SERVICE_PENDING = "service_pending", _("Service being arranged")
    REPLACEMENT_SCHEDULED = "replacement_scheduled", _("Replacement scheduled")
    REPLACEMENT_DELAYED = "replacement_delayed", _("Replacement delayed")
    REPLACEMENT_SHIPPED = "replacement_shipped", _("Replacement shipped")
    REPLACEMENT_DELIVERED = "replacement_delivered", _("Replacement delivered")
    TECHNICIAN_REQUESTED = "technician_requested", _("Technician visit requested")
    TECHNICIAN_SCHEDULED = "technician_scheduled", _("Technician visit scheduled")
    TECHNICIAN_EN_ROUTE = "technician_en_route", _("Technician on the way")
    TECHNICIAN_ON_SITE = "technician_on_site", _("Technician on site")
    TECHNICIAN_VISITED = "technician_visited", _("Technician visited")
    REFERRED = "referred", _("Referred to a service point")
    DROP_OFF_PENDING = "awaiting_drop_off", _("Waiting for the drop-off at the service point")
    AT_SERVICE_POINT = "at_service_point", _("At the service point")
    READY_FOR_COLLECTION = "ready_for_collection", _("Ready for collection")
    HANDSET_AWAITED = "awaiting_handset", _("Waiting for the handset (mail-in repair)")
    IN_REPAIR = "in_repair", _("Being repaired")
    REPAIR_DELAYED = "repair_delayed", _("Repair delayed")
    REPAIR_SHIPPED = "repair_shipped_back", _("Repaired handset on its way back")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


P = PublicStatus

DESCRIPTIONS = {
    P.RECEIVED: _("The request was received and is waiting for a diagnosis."),
    P.DIAGNOSING: _("The hotline is diagnosing the fault with the customer."),
    P.AWAITING_CUSTOMER: _("The hotline is waiting for the customer: an answer to a quote, "
                           "a parcel to collect, a faulty handset to return or a new "
                           "appointment."),
    P.QUOTE_DECLINED: _("The customer declined the quote, or it expired: nothing will be "
                        "done or charged."),
    P.SERVICE_PENDING: _("A replacement or a technician visit is being arranged."),
    P.REPLACEMENT_SCHEDULED: _("A replacement handset is being prepared for delivery at "
                               "home."),
    P.REPLACEMENT_DELAYED: _("The replacement is delayed (out of stock, or a delivery "
                             "problem); the hotline is on it."),
    P.REPLACEMENT_SHIPPED: _("The replacement is on its way with the courier."),
    P.REPLACEMENT_DELIVERED: _("The replacement was delivered; the faulty handset is on its "
                               "way back or being checked."),
    P.TECHNICIAN_REQUESTED: _("A technician visit at home was requested; an appointment "
                              "will follow."),
    P.TECHNICIAN_SCHEDULED: _("A technician visit is booked for the time window shown."),
    P.TECHNICIAN_EN_ROUTE: _("The technician is on the way."),
    P.TECHNICIAN_ON_SITE: _("The technician is with the customer."),
    P.TECHNICIAN_VISITED: _("The technician's visit is over."),
    P.REFERRED: _("The customer was referred to a service point."),
    P.DROP_OFF_PENDING: _("A service point expects the handset: the customer has its "
                          "address, opening hours and a reference."),
    P.AT_SERVICE_POINT: _("The service point has the handset and is repairing it."),
    P.READY_FOR_COLLECTION: _("The service point has finished: the handset is ready for "
                              "collection."),
    P.HANDSET_AWAITED: _("The repair centre waits for the handset, sent with the prepaid "
                         "label."),
    P.IN_REPAIR: _("The repair centre has the handset and is repairing it."),
    P.REPAIR_DELAYED: _("The repair is delayed (a part on order, or a parcel problem); the "
                        "hotline is on it."),
    P.REPAIR_SHIPPED: _("The handset left the repair centre with the courier."),
    P.RESOLVED: _("The fault was dealt with."),
    P.CLOSED: _("The case is closed."),
    P.CANCELLED: _("The case was cancelled."),
}


@dataclass(frozen=True)
class Machine:
    """One internal state machine and the public word for each of its states."""

    model: str  # "app_label.Model"
    field: str  # its FSMField
    mapping: dict[str, PublicStatus | None]
    related_name: str = ""  # from Case to this model; "" for the Case itself
    finished: tuple[str, ...] = ()  # states in which the order is over (done or cancelled)
    cancelled: tuple[str, ...] = ()  # finished states that did nothing


# The one place where internal states meet public words. None: the service order decides.
CASE_MAP = {
    "open": P.RECEIVED,
    "diagnosing": P.DIAGNOSING,
    "advised": P.RESOLVED,
    "awaiting_consent": P.AWAITING_CUSTOMER,
    "in_service": None,
    "referred": None,  # its referral to a service point decides, if it has one
    "declined": P.QUOTE_DECLINED,
    "resolved": P.RESOLVED,
    "closed": P.CLOSED,
    "cancelled": P.CANCELLED,
}
SWAP_MAP = {
    "requested": P.REPLACEMENT_SCHEDULED,
    "reserved": P.REPLACEMENT_SCHEDULED,
    "booked": P.REPLACEMENT_SCHEDULED,
    "backordered": P.REPLACEMENT_DELAYED,
    "in_transit": P.REPLACEMENT_SHIPPED,
    "out_for_delivery": P.REPLACEMENT_SHIPPED,
    "delivery_failed": P.REPLACEMENT_DELAYED,
    "held_at_depot": P.AWAITING_CUSTOMER,
    "returned_to_sender": P.REPLACEMENT_DELAYED,
    "lost": P.REPLACEMENT_DELAYED,
    "delivered": P.REPLACEMENT_DELIVERED,
    "return_in_transit": P.REPLACEMENT_DELIVERED,
    "return_received": P.REPLACEMENT_DELIVERED,
    "inspected": P.REPLACEMENT_DELIVERED,
    "faulty_not_returned": P.AWAITING_CUSTOMER,
    "closed": P.RESOLVED,
    "cancelled": P.SERVICE_PENDING,
}
VISIT_MAP = {
    "requested": P.TECHNICIAN_REQUESTED,
    "scheduled": P.TECHNICIAN_SCHEDULED,
    "en_route": P.TECHNICIAN_EN_ROUTE,
    "on_site": P.TECHNICIAN_ON_SITE,
    "completed": P.TECHNICIAN_VISITED,
    "escalated": P.TECHNICIAN_VISITED,
    "no_access": P.AWAITING_CUSTOMER,
    "cancelled": P.SERVICE_PENDING,
}
# Repairs (docs/repairs.md): a referral to a service point, and a mail-in repair order.
REFERRAL_MAP = {
    "awaiting_drop_off": P.DROP_OFF_PENDING,
    "received": P.AT_SERVICE_POINT,
    "repaired": P.READY_FOR_COLLECTION,
    "not_repaired": P.READY_FOR_COLLECTION,
    "handed_back": P.RESOLVED,
    "no_show": P.REFERRED,
    "cancelled": P.REFERRED,
}
REPAIR_MAP = {
    "awaiting_unit": P.HANDSET_AWAITED,
    "received": P.IN_REPAIR,
    "diagnosing": P.IN_REPAIR,
    "awaiting_consent": P.AWAITING_CUSTOMER,
    "waiting_parts": P.REPAIR_DELAYED,
    "repairing": P.IN_REPAIR,
    "quality_check": P.IN_REPAIR,
    "shipped_back": P.REPAIR_SHIPPED,
    "delivered": P.RESOLVED,
    "closed": P.RESOLVED,
    "replaced": P.REPLACEMENT_SCHEDULED,
    "retired": P.RESOLVED,
    "lost": P.REPAIR_DELAYED,
    "cancelled": P.SERVICE_PENDING,
}
# What a case says when its state defers to its orders (None above) and it has none.
NO_ORDER = {"in_service": P.SERVICE_PENDING, "referred": P.REFERRED}

CASE_MACHINE = Machine("hotline.Case", "status", CASE_MAP)
MACHINES = (
    CASE_MACHINE,
    Machine("exchanges.Swap", "status", SWAP_MAP, related_name="swaps",
            finished=("closed", "cancelled"), cancelled=("cancelled",)),
    Machine("exchanges.Visit", "status", VISIT_MAP, related_name="visits",
            finished=("completed", "escalated", "cancelled"), cancelled=("cancelled",)),
    Machine("repairs.Referral", "status", REFERRAL_MAP, related_name="referrals",
            finished=("handed_back", "no_show", "cancelled"), cancelled=("cancelled",)),
    Machine("repairs.RepairOrder", "status", REPAIR_MAP, related_name="repair_orders",
            finished=("delivered", "closed", "replaced", "retired", "cancelled"),
            cancelled=("cancelled",)),
)
ORDER_MACHINES = tuple(m for m in MACHINES if m.related_name)


# A case goes in service and its swap or visit is created in one transaction, a few
# milliseconds apart: the timeline does not show "being arranged" for so short a time.
TRANSIENT_SECONDS = 5


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status: PublicStatus

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[self.status])


def describe(code: str) -> dict[str, str]:
    """Return the code, translated label and description of a public status."""
    status = PublicStatus(code)
    return {"code": status.value, "label": str(status.label),
            "description": str(DESCRIPTIONS[status])}


def public_status(case) -> PublicStatus:
    """Return the case's public status now."""
    orders = []
    if CASE_MAP[case.status] is None:
        for machine in ORDER_MACHINES:
            for order in getattr(case, machine.related_name).all():
                orders.append((order.created_at, order.pk, machine,
                               getattr(order, machine.field)))
    return _combine(case.status, orders)


def timeline_prefetch() -> Prefetch:
    """Read a case's audit trail for public_timeline with the case (`prefetch_related`)."""
    return Prefetch("audit_events", queryset=_trail(), to_attr="public_trail")


def _trail():
    by_ct = _machines_by_content_type()
    return (AuditEvent.objects.filter(content_type__in=list(by_ct)).exclude(target="")
            .order_by("at", "id").only("at", "content_type_id", "object_id", "source",
                                       "target", "case_id"))


def _machines_by_content_type() -> dict[int, Machine]:
    return {ContentType.objects.get_for_model(apps.get_model(m.model)).pk: m for m in MACHINES}


def public_timeline(case) -> list[TimelineEntry]:
    """Return each public status the case went through, oldest first (from the trail and
    orders read with the case, when they were: see timeline_prefetch)."""
    by_ct = _machines_by_content_type()
    trail = getattr(case, "public_trail", None)
    if trail is None:
        trail = _trail().filter(case=case)
    events = [(e.at, e.content_type_id, e.object_id, e.source, e.target) for e in trail]
    # Replay the audit trail. Each subject starts in the state its first event left (or, with
    # no event at all, the state it is in now), so data made without events still reads true.
    first_source: dict[tuple[str, str], str] = {}
    for _at, ct, oid, source, _target in events:
        first_source.setdefault((by_ct[ct].model, oid), source)
    case_key = (CASE_MACHINE.model, str(case.pk))
    case_state = first_source.get(case_key) or getattr(case, CASE_MACHINE.field)
    created: dict[tuple[str, str], tuple[datetime, str]] = {}
    for machine in ORDER_MACHINES:
        for order in getattr(case, machine.related_name).all():
            key = (machine.model, str(order.pk))
            created[key] = (order.created_at,
                            first_source.get(key) or getattr(order, machine.field))
    steps = [(case.created_at, 0, case_key, case_state)]
    steps += [(at, 0, key, state) for key, (at, state) in created.items()]
    steps += [(at, 1, (by_ct[ct].model, oid), target) for at, ct, oid, _s, target in events]
    steps.sort(key=lambda step: (step[0], step[1]))
    machines = {m.model: m for m in MACHINES}
    states: dict[tuple[str, str], str] = {}
    entries: list[TimelineEntry] = []
    for at, _order, key, state in steps:
        if key == case_key:
            case_state = state
        elif key in created:
            states[key] = state
        orders = [(created[k][0], k[1], machines[k[0]], v) for k, v in states.items()]
        status = _combine(case_state, orders)
        if entries and entries[-1].status == P.SERVICE_PENDING and \
                (at - entries[-1].at).total_seconds() < TRANSIENT_SECONDS:
            entries.pop()  # the order came with the decision: "being arranged" never showed
        if not entries or entries[-1].status != status:
            entries.append(TimelineEntry(at=at, status=status))
    return entries


def _combine(case_state: str, orders: list) -> PublicStatus:
    """Return the public word for a case state and its service orders' states."""
    word = CASE_MAP[case_state]
    if word is not None:
        return word
    if not orders:
        return NO_ORDER[case_state]
    live = [o for o in orders if o[3] not in o[2].finished]
    kept = [o for o in orders if o[3] not in o[2].cancelled]
    _created, _pk, machine, state = max(live or kept or orders, key=lambda o: (o[0], str(o[1])))
    return machine.mapping[state]
