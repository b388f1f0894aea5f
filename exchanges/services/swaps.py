"""Home swaps: reserve a like-for-like unit, promise, book the courier, follow the parcel, work
the exceptions, inspect the returned unit and keep the IMEI ledger.

Every state change goes through hotline.workflow.transition (guarded, audited); side effects
(courier booking, customer messages) go through the transactional outbox after commit.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import (
    InspectionOutcome,
    ReplacementUnit,
    Swap,
    SwapInspection,
    SwapStatus,
    UnitGrade,
    UnitStatus,
    Warehouse,
)
from exchanges.promise import Promise, promise_compute
from hotline.errors import CaseError, DomainError
from hotline.notifications import notification_send
from hotline.outbox import outbox_enqueue
from hotline.validators import normalise_country, normalise_postcode
from hotline.workflow import allowed_transitions, record_event, transition

log = logging.getLogger(__name__)

S = SwapStatus
BOOK_TASK = "exchanges.tasks.swap_book"
BOOKABLE = (S.RESERVED, S.BOOKED, S.DELIVERY_FAILED, S.HELD_AT_DEPOT, S.RETURNED_TO_SENDER,
            S.LOST)


# --- promise and stock options ---------------------------------------------------------------
def swap_promise(*, warehouse: Warehouse, postcode: str, country: str,
                 at: datetime.datetime | None = None) -> Promise:
    """Return the delivery promise of a replacement booked at `at` from `warehouse`."""
    return promise_compute(rules=warehouse.rules, at=at or timezone.now(), country=country,
                           postcode=postcode)


@dataclass(frozen=True)
class StockOption:
    """One thing the operator may offer before promising anything."""

    kind: str  # like_for_like, equivalent_variant, backorder, visit
    label: str
    warehouse: Warehouse | None = None
    variant: object = None
    available: int = 0
    promise: Promise | None = None
    needs_consent: bool = False
    until: datetime.date | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label,
                "warehouse": self.warehouse.code if self.warehouse else None,
                "variant": str(self.variant) if self.variant else None,
                "variant_id": getattr(self.variant, "pk", None), "available": self.available,
                "promise": self.promise.as_dict() if self.promise else None,
                "needs_consent": self.needs_consent,
                "until": self.until.isoformat() if self.until else None}


def _backorder_date(at: datetime.datetime) -> datetime.date:
    day = timezone.localtime(at).date()
    added = 0
    while added < settings.SWAP_BACKORDER_DAYS:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def swap_stock_options(*, model, variant, postcode: str, country: str,
                       at: datetime.datetime | None = None) -> list[StockOption]:
    """Return what can be offered: like-for-like per warehouse (best promise first), an
    equivalent variant (with the customer's consent), a backorder with its date, a technician
    visit. A handful of queries, whatever the stock."""
    from django.db.models import Count

    from exchanges.selectors import technicians_covering
    from hotline.models import ModelVariant

    at = at or timezone.now()
    warehouses = {w.pk: w for w in Warehouse.objects.filter(active=True)}
    stock = (ReplacementUnit.objects.available().filter(model=model)
             .values("warehouse", "variant").annotate(n=Count("id")))
    counts = [(row["warehouse"], row["variant"], row["n"]) for row in stock]
    other_ids = {v for _w, v, _n in counts if variant is not None and v not in (None, variant.pk)}
    variants = {v.pk: v for v in ModelVariant.objects.filter(pk__in=other_ids)} if other_ids \
        else {}
    promises = {}
    options: list[StockOption] = []
    if any(w is None for w, _v, _n in counts):  # units not yet assigned: the default warehouse
        main = warehouse_default()
        warehouses.setdefault(main.pk, main)
        counts = [(w if w is not None else main.pk, v, n) for w, v, n in counts]
    merged: dict = {}
    for w, v, n in counts:
        merged[(w, v)] = merged.get((w, v), 0) + n
    for (warehouse_id, variant_id), count in merged.items():
        warehouse = warehouses.get(warehouse_id)
        if warehouse is None:
            continue
        if warehouse_id not in promises:
            promises[warehouse_id] = swap_promise(warehouse=warehouse, postcode=postcode,
                                                  country=country, at=at)
        promise = promises[warehouse_id]
        if variant is None or variant_id == variant.pk:
            options.append(StockOption(
                kind="like_for_like", warehouse=warehouse, variant=variant, available=count,
                promise=promise,
                label=_("Like-for-like from %(warehouse)s") % {"warehouse": warehouse.name}))
        elif variant_id in variants:
            found = variants[variant_id]
            options.append(StockOption(
                kind="equivalent_variant", warehouse=warehouse, variant=found, available=count,
                promise=promise, needs_consent=True,
                label=_("Equivalent variant %(variant)s from %(warehouse)s (with the "
                        "customer's consent)") % {"variant": found,
                                                  "warehouse": warehouse.name}))
    options.sort(key=lambda o: (o.kind != "like_for_like", o.promise.deliver_by,
                                o.warehouse.priority))
    until = _backorder_date(at)
    options.append(StockOption(kind="backorder", until=until,
                               label=_("Backorder: expected back in stock by %(date)s")
                               % {"date": until.isoformat()}))
    family = getattr(model, "family", "") or ""
    if technicians_covering(postcode=postcode, country=country, family=family):
        options.append(StockOption(kind="visit", label=_("A technician visit instead")))
    return options


# --- reservation -----------------------------------------------------------------------------
def warehouse_default() -> Warehouse:
    """The warehouse of HOTLINE_WAREHOUSE (code "main"): home of units not assigned to one."""
    conf = settings.HOTLINE_WAREHOUSE
    warehouse, _created = Warehouse.objects.get_or_create(code="main", defaults={
        "name": conf["company"], "street": conf["street"], "postcode": conf["postcode"],
        "city": conf["city"], "country": conf["country"], "phone": conf["phone"],
        "timezone": settings.TIME_ZONE})
    return warehouse


def _reserve_unit(*, swap: Swap, at, warehouse: Warehouse | None = None):
    """Lock and take the available like-for-like unit with the best promise, or None.

    `select_for_update(skip_locked=True)` lets concurrent swaps pass over a unit being taken;
    the conditional update and the unique unit of a swap make it exact on any database."""
    if warehouse is not None:
        warehouses = [warehouse]
    else:
        warehouses = list(Warehouse.objects.filter(active=True))
        if ReplacementUnit.objects.available().filter(warehouse__isnull=True).exists() and \
                not any(w.code == "main" for w in warehouses):
            warehouses.append(warehouse_default())
    ranked = sorted(
        ((swap_promise(warehouse=w, postcode=swap.postcode, country=swap.country,
                       at=_dispatch_time(swap, at)), w) for w in warehouses),
        key=lambda pair: (pair[0].deliver_by, pair[1].priority))
    for promise, candidate in ranked:
        where = Q(warehouse=candidate)
        if candidate.code == "main":
            where |= Q(warehouse__isnull=True)
        units = (ReplacementUnit.objects.available()
                 .like_for_like(model=swap.model, variant=swap.variant)
                 .filter(where).order_by("id"))
        for unit in units.select_for_update(skip_locked=True)[:5]:
            updated = ReplacementUnit.objects.filter(
                pk=unit.pk, status=UnitStatus.AVAILABLE).update(
                status=UnitStatus.RESERVED, warehouse=candidate, updated_at=timezone.now())
            if updated:
                unit.refresh_from_db()
                return unit, candidate, promise
    return None


def _dispatch_time(swap: Swap, at: datetime.datetime) -> datetime.datetime:
    if swap.ship_on and swap.ship_on > timezone.localtime(at).date():
        return timezone.make_aware(datetime.datetime.combine(swap.ship_on, datetime.time(8)))
    return at


def swap_reserve(*, swap: Swap, actor=None, at: datetime.datetime | None = None,
                 warehouse: Warehouse | None = None, backorder: bool = True,
                 carrier_options: dict | None = None) -> Swap:
    """Reserve a like-for-like unit (exactly: never the same unit for two swaps), set the
    promise and book the courier; with no unit anywhere, backorder with an honest date."""
    at = at or timezone.now()
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if swap.status not in (S.REQUESTED, S.BACKORDERED):
            raise CaseError(_("Only a requested or backordered swap is reserved."),
                            code="not_reservable")
        found = _reserve_unit(swap=swap, at=at, warehouse=warehouse)
        if found is None:
            if warehouse is not None:
                raise CaseError(_("No like-for-like unit left in %(warehouse)s.")
                                % {"warehouse": warehouse.name}, code="no_stock")
            if swap.status == S.REQUESTED and backorder:
                until = _backorder_date(at)
                transition(swap, "backorder", actor=actor, until=until, check_permission=False,
                           data={"until": until.isoformat()})
                notification_send(case=swap.case, template="swap_backordered",
                                  context={"until": until.isoformat(), "model": str(swap.model)})
            return swap
        unit, chosen, promise = found
        name = "reserve" if swap.status == S.REQUESTED else "restock"
        transition(swap, name, actor=actor, unit=unit, warehouse=chosen, promise=promise,
                   check_permission=False,
                   data={"unit": unit.pk, "imei": unit.imei or "", "warehouse": chosen.code,
                         "promised_by": promise.deliver_by.isoformat()})
        notification_send(case=swap.case, template="swap_promised", context={
            "promised_by": timezone.localtime(promise.deliver_by).strftime("%Y-%m-%d %H:%M"),
            "address": swap.address_line, "model": str(swap.variant or swap.model),
            "charge": str(swap.unreturned_charge or ""), "currency": swap.currency or "EUR"})
        swap_book(swap=swap, actor=actor, carrier_options=carrier_options)
    return swap


def swap_choose_variant(*, swap: Swap, variant, actor=None, consent_note: str) -> Swap:
    """The customer consented to an equivalent variant: reserve that one instead."""
    if not consent_note.strip():
        raise CaseError(_("Record how the customer consented to another variant."),
                        field="consent_note")
    if variant.model_id != swap.model_id:
        raise CaseError(_("An equivalent variant is of the same model."), field="variant")
    with transaction.atomic():
        locked = Swap.objects.select_for_update().get(pk=swap.pk)
        if locked.status not in (S.REQUESTED, S.BACKORDERED):
            raise CaseError(_("Only a requested or backordered swap changes variant."),
                            code="not_reservable")
        record_event(locked, action="swap_variant_consented", actor=actor, reason=consent_note,
                     data={"from": str(locked.variant or ""), "to": str(variant)})
        Swap.objects.filter(pk=locked.pk).update(variant=variant)
        locked.refresh_from_db()
        return swap_reserve(swap=locked, actor=actor, backorder=False)


def swaps_restock(*, now: datetime.datetime | None = None) -> int:
    """Reserve units for backordered swaps now that stock came in; return how many."""
    done = 0
    for swap in Swap.objects.filter(status=S.BACKORDERED).order_by("created_at"):
        try:
            swap = swap_reserve(swap=swap, at=now, backorder=False)
        except DomainError:
            continue
        done += swap.status == S.RESERVED
    return done


# --- booking ---------------------------------------------------------------------------------
def swap_book(*, swap: Swap, actor=None, recipient: dict | None = None,
              ship_on: datetime.date | None = None, reason: str = "",
              carrier_options: dict | None = None) -> Swap:
    """Queue the courier booking (delivery + collection in one visit) through the outbox.

    `recipient` changes the address for this and later attempts (another address given on the
    call, or a pickup point); `ship_on` a later day the customer chose; `carrier_options` go to
    the courier (the sandbox's `scenario`)."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if swap.status not in BOOKABLE or swap.unit_id is None:
            raise CaseError(_("This swap cannot be booked now (%(status)s).")
                            % {"status": swap.get_status_display()}, code="not_bookable")
        changes = {"booking_attempt": swap.booking_attempt + 1, "booking_error": ""}
        if recipient:
            allowed = {"street", "street2", "postcode", "city", "country", "access_notes",
                       "recipient_name", "recipient_phone"}
            changes |= {k: v for k, v in recipient.items() if k in allowed and v is not None}
            changes |= _address_checked(changes, swap)
        if ship_on is not None:
            if ship_on < timezone.localdate():
                raise CaseError(_("The delivery day cannot be in the past."), field="ship_on")
            if ship_on > timezone.localdate() + datetime.timedelta(days=SHIP_ON_MAX_DAYS):
                raise CaseError(_("The delivery day must be within %(days)d days.")
                                % {"days": SHIP_ON_MAX_DAYS}, field="ship_on")
            changes["ship_on"] = ship_on
        Swap.objects.filter(pk=swap.pk).update(**changes)
        swap.refresh_from_db()
        if swap.booking_attempt > 1:
            record_event(swap, action="swap_rebooked", actor=actor, reason=reason,
                         data={"attempt": swap.booking_attempt, "address": swap.address_line,
                               "ship_on": ship_on.isoformat() if ship_on else None})
        outbox_enqueue(task=BOOK_TASK,
                       kwargs={"swap_id": swap.pk, "attempt": swap.booking_attempt,
                               "options": dict(carrier_options or {})},
                       key=booking_key(swap))
    return swap


SHIP_ON_MAX_DAYS = 60


def _address_checked(changes: dict, swap: Swap) -> dict:
    """Return the country and postcode of a new delivery address, normalised (ISO 3166 country,
    the country's postcode shape), or raise naming the field."""
    country = changes.get("country") or swap.country
    try:
        country = normalise_country(country)
    except ValidationError as exc:
        raise CaseError(exc.messages[0], field="country") from None
    checked = {"country": country}
    if "postcode" in changes or "country" in changes:
        try:
            checked["postcode"] = normalise_postcode(changes.get("postcode") or swap.postcode,
                                                     country)
        except ValidationError as exc:
            raise CaseError(exc.messages[0], field="postcode") from None
    return checked


def booking_key(swap: Swap, attempt: int | None = None) -> str:
    return f"swap-book-{swap.pk}-{attempt or swap.booking_attempt}"


def _addresses(swap: Swap):
    from carriers.domain import Address

    warehouse = swap.warehouse
    customer = swap.case.customer
    sender = Address(name=warehouse.name, company=settings.HOTLINE_WAREHOUSE["company"],
                     street=warehouse.street, postcode=warehouse.postcode, city=warehouse.city,
                     country=warehouse.country, phone=warehouse.phone)
    phone = swap.recipient_phone or _customer_phone(customer)
    recipient = Address(name=swap.recipient_name or customer.full_name, street=swap.street,
                        street2=swap.street2, postcode=swap.postcode, city=swap.city,
                        country=swap.country, phone=phone, email=customer.email or "",
                        notes=swap.access_notes)
    returns = Address.from_dict(settings.HOTLINE_WAREHOUSE)
    return sender, recipient, returns


def _customer_phone(customer) -> str:
    phone = customer.phones.order_by("id").first()
    return str(phone.number) if phone else ""


def swap_book_run(*, swap_id: int, attempt: int, options: dict | None = None) -> Swap | None:
    """Book attempt `attempt` at the courier (the outbox task). Idempotent: the booking key is
    the outbox key, so a repeat returns the first booking. A transient courier error raises
    (the task retries); a permanent one is kept on the swap for the exceptions queue."""
    from carriers.domain import CarrierError, Parcel, Service
    from carriers.services import shipment_book

    swap = Swap.objects.select_related("case__customer", "warehouse", "unit", "outbound").get(
        pk=swap_id)
    if swap.booking_attempt != attempt:
        return None  # a later attempt superseded this one
    if swap.status not in BOOKABLE:
        return swap  # cancelled, or the parcel moved on
    if swap.outbound_id and swap.outbound.booking_key == booking_key(swap, attempt):
        return swap  # this attempt is already booked: a repeated message
    sender, recipient, returns = _addresses(swap)
    replacement = Parcel(weight_kg=Decimal("0.6"), length_cm=20, width_cm=12, height_cm=8,
                         contents=f"Replacement handset {swap.variant or swap.model}")
    faulty = Parcel(weight_kg=Decimal("0.5"), length_cm=20, width_cm=12, height_cm=8,
                    contents="Faulty handset (return)")
    ship_date = max(swap.ship_on or timezone.localdate(), timezone.localdate())
    try:
        result = shipment_book(
            carrier=swap.warehouse.carrier, sender=sender, recipient=recipient,
            parcels=[replacement], service=Service.NEXT_DAY_NOON, reference=swap.case.number,
            idempotency_key=booking_key(swap, attempt), return_parcels=[faulty],
            return_to=returns, ship_date=ship_date,
            language=swap.case.customer.language or "", options=options or {})
    except CarrierError as exc:
        if not exc.permanent:
            raise
        Swap.objects.filter(pk=swap.pk, booking_attempt=attempt).update(
            booking_error=exc.message[:2000])
        record_event(swap, action="swap_booking_refused", actor_label=swap.warehouse.carrier,
                     reason=exc.message[:500], data={"attempt": attempt})
        return swap
    with transaction.atomic():
        swap = Swap.objects.select_for_update(of=("self",)).select_related("outbound").get(pk=swap.pk)
        if swap.status not in BOOKABLE or swap.booking_attempt != attempt or (
                swap.outbound_id and swap.outbound.booking_key == booking_key(swap, attempt)):
            return swap
        old = [s for s in (swap.outbound, swap.collection) if s is not None]
        promise = swap_promise(warehouse=swap.warehouse, postcode=swap.postcode,
                               country=swap.country, at=_dispatch_time(swap, timezone.now()))
        if swap.status != S.RESERVED:
            Swap.objects.filter(pk=swap.pk).update(promised_by=promise.deliver_by,
                                                   promise_reasons=list(promise.reasons))
            swap.refresh_from_db()
        transition(swap, "book", actor_label=swap.warehouse.carrier, check_permission=False,
                   outbound=result.outbound, collection=result.collection, at=timezone.now(),
                   data={"attempt": attempt, "tracking_number": result.outbound.tracking_number,
                         "return_tracking_number": getattr(result.collection,
                                                           "tracking_number", "")})
        ReplacementUnit.objects.filter(pk=swap.unit_id).update(status=UnitStatus.SHIPPED)
        notification_send(case=swap.case, template="swap_booked", context={
            "tracking_url": tracking_url(result.outbound),
            "tracking_number": result.outbound.tracking_number,
            "promised_by": timezone.localtime(swap.promised_by).strftime("%Y-%m-%d %H:%M"),
            "address": swap.address_line})
    for shipment in old:
        _cancel_quietly(shipment)
    return swap


COLLECT_TASK = "exchanges.tasks.swap_collection_book"


def swap_collection_book(*, swap: Swap, actor=None, reason: str = "") -> Swap:
    """Book a courier to collect the faulty unit alone (it was not handed over at delivery)."""
    if swap.status not in (S.DELIVERED, S.FAULTY_NOT_RETURNED):
        raise CaseError(_("A collection alone is booked only after delivery, while the faulty "
                          "unit is not back."), code="not_collectable")
    key = f"swap-return-{swap.pk}-after-{swap.collection_id or 0}"
    with transaction.atomic():
        record_event(swap, action="swap_collection_requested", actor=actor, reason=reason,
                     data={"key": key})
        outbox_enqueue(task=COLLECT_TASK, kwargs={"swap_id": swap.pk, "key": key}, key=key)
    return swap


def swap_collection_book_run(*, swap_id: int, key: str) -> Swap:
    """Book the collection (outbox task): from the customer's address to the returns centre."""
    from carriers.domain import Parcel, Service
    from carriers.services import shipment_book

    swap = Swap.objects.select_related("case__customer", "warehouse", "collection").get(
        pk=swap_id)
    if swap.collection_id and swap.collection.booking_key == key:
        return swap
    if swap.status not in (S.DELIVERED, S.FAULTY_NOT_RETURNED):
        return swap
    _sender, customer, returns = _addresses(swap)
    faulty = Parcel(weight_kg=Decimal("0.5"), length_cm=20, width_cm=12, height_cm=8,
                    contents="Faulty handset (return)")
    result = shipment_book(carrier=swap.warehouse.carrier, sender=customer, recipient=returns,
                           parcels=[faulty], service=Service.NEXT_DAY, reference=swap.case.number,
                           idempotency_key=key, language=swap.case.customer.language or "")
    old = swap.collection
    with transaction.atomic():
        Swap.objects.filter(pk=swap.pk).update(collection=result.outbound)
        swap.refresh_from_db()
        record_event(swap, action="swap_collection_booked", actor_label=swap.warehouse.carrier,
                     data={"tracking_number": result.outbound.tracking_number})
        notification_send(case=swap.case, template="swap_collection_booked", context={
            "tracking_url": tracking_url(result.outbound),
            "tracking_number": result.outbound.tracking_number})
    if old is not None:
        _cancel_quietly(old)
    return swap


def swap_booking_gave_up(*, swap_id: int, attempt: int, message: str) -> None:
    """The courier stayed unreachable through every retry: show the swap in the exceptions
    queue with the courier's last words, so an operator books it again."""
    Swap.objects.filter(pk=swap_id, booking_attempt=attempt, status__in=BOOKABLE).update(
        booking_error=_("Courier unreachable after every retry: %(message)s")
        % {"message": message[:1800]})
    swap = Swap.objects.filter(pk=swap_id).first()
    if swap is not None:
        record_event(swap, action="swap_booking_gave_up", reason=message[:500],
                     data={"attempt": attempt})


def _cancel_quietly(shipment) -> None:
    from carriers.domain import CarrierError
    from carriers.services import shipment_cancel

    if shipment.is_final:
        return
    try:
        shipment_cancel(shipment=shipment, reason="superseded by a new booking of the swap")
    except (CarrierError, DomainError) as exc:
        log.info("old swap shipment not cancelled", extra={"shipment": shipment.pk,
                                                            "error": str(exc)})


def tracking_url(shipment) -> str:
    """Where the customer follows the parcel: SWAP_TRACKING_URL when set, else the carrier's
    public tracking page; a carrier without one (the sandbox) gets its name and the number,
    never a link that leads nowhere."""
    if settings.SWAP_TRACKING_URL:
        return settings.SWAP_TRACKING_URL.format(carrier=shipment.carrier,
                                                 tracking_number=shipment.tracking_number)
    from carriers.registry import carrier_get

    carrier = carrier_get(shipment.carrier)
    return (carrier.public_tracking_url(shipment.tracking_number)
            or f"{carrier.name} {shipment.tracking_number}")


# --- tracking --------------------------------------------------------------------------------
OUTBOUND_MAP = {
    "picked_up": "ship", "in_transit": "ship", "out_for_delivery": "send_out",
    "delivered": "deliver", "delivery_failed": "fail_delivery", "held_at_depot": "hold",
    "returned_to_sender": "return_to_sender", "lost": "lose",
}
RETURN_MAP = {"picked_up": "ship_return", "in_transit": "ship_return",
              "out_for_delivery": "ship_return", "delivered": "receive_return"}


def swap_tracking_apply(*, shipment, event) -> Swap | None:
    """Apply a courier's tracking event to the swap whose shipment it is. Idempotent: an event
    already applied, or one that does not apply in the swap's state, is recorded, never raised."""
    swap = Swap.objects.filter(outbound=shipment).first()
    mapping, leg = OUTBOUND_MAP, "outbound"
    if swap is None:
        swap = Swap.objects.filter(collection=shipment).first()
        mapping, leg = RETURN_MAP, "return"
    if swap is None:
        return None
    from hotline.models import AuditEvent

    if AuditEvent.objects.filter(object_id=str(swap.pk), data__tracking_event=event.pk,
                                 content_type__model="swap").exists():
        return swap  # a repeated notification
    name = mapping.get(event.status)
    data = {"tracking_event": event.pk, "leg": leg, "courier_status": event.status,
            "courier_text": event.raw_text, "location": event.location}
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if name is None or name not in allowed_transitions(swap):
            record_event(swap, action="tracking_event_not_applied", actor_label=shipment.carrier,
                         data=data)
            return swap
        kwargs = {}
        if name == "deliver":
            kwargs["at"] = event.occurred_at
        elif name == "receive_return":
            kwargs["at"] = event.occurred_at
        elif name == "hold":
            kwargs["until"] = event.occurred_at + datetime.timedelta(
                days=settings.SWAP_DEPOT_HOLD_DAYS)
            kwargs["location"] = event.location or _("the courier's depot")
        transition(swap, name, actor_label=shipment.carrier, check_permission=False,
                   reason=event.raw_text, data=data, **kwargs)
        _after_tracking(swap, name, event)
    return swap


def _after_tracking(swap: Swap, name: str, event) -> None:
    case = swap.case
    if name == "deliver":
        ledger_record(swap=swap)
    elif name == "fail_delivery":
        notification_send(case=case, template="swap_delivery_failed",
                          context={"reason": event.get_reason_display() if event.reason else
                                   event.raw_text})
    elif name == "hold":
        notification_send(case=case, template="swap_held", context={
            "location": swap.hold_location,
            "until": timezone.localtime(swap.hold_until).strftime("%Y-%m-%d"),
            "case_number": case.number})
    elif name == "lose":
        ReplacementUnit.objects.filter(pk=swap.unit_id).update(status=UnitStatus.LOST)
        notification_send(case=case, template="swap_lost", context={})
    elif name == "return_to_sender":
        ReplacementUnit.objects.filter(pk=swap.unit_id).update(status=UnitStatus.RESERVED)


# --- the IMEI ledger -------------------------------------------------------------------------
def ledger_record(*, swap: Swap):
    """The delivered replacement becomes the customer's registered handset, keeping the
    original warranty end; the chain original -> replacement is kept on the swap."""
    from hotline.models import Handset

    original = swap.case.handset
    unit = swap.unit
    if unit is None or not unit.imei:
        record_event(swap, action="ledger_not_updated", reason="replacement unit has no IMEI")
        return None
    warranty_end = swap.warranty_end or (original.warranty_end if original else None)
    handset, created = Handset.objects.get_or_create(imei=unit.imei, defaults={
        "model": unit.model, "variant": unit.variant, "owner": swap.case.customer,
        "purchase_date": original.purchase_date if original else None,
        "sold_by": original.sold_by if original else None,
        "warranty_end_override": warranty_end})
    if not created:
        handset.owner, handset.warranty_end_override = swap.case.customer, warranty_end
        handset.save(update_fields=["owner", "warranty_end_override"])
    Swap.objects.filter(pk=swap.pk).update(original_handset=original, replacement_handset=handset)
    swap.original_handset, swap.replacement_handset = original, handset
    record_event(swap, action="imei_ledger_updated", data={
        "original": original.imei if original else "", "replacement": handset.imei,
        "warranty_end": warranty_end.isoformat() if warranty_end else None})
    return handset


# --- exceptions ------------------------------------------------------------------------------
def swap_cancel(*, swap: Swap, actor=None, reason: str) -> Swap:
    """Cancel a swap nothing of which is with the customer; its unit goes back to stock."""
    if not reason.strip():
        raise CaseError(_("Say why the swap is cancelled."), field="reason")
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        unit_id = swap.unit_id
        transition(swap, "cancel", actor=actor, reason=reason, data={"unit": unit_id})
        if unit_id:
            ReplacementUnit.objects.filter(pk=unit_id).update(status=UnitStatus.AVAILABLE)
    return swap


def swaps_case_cancelled(*, case, actor=None, reason: str = "") -> None:
    """Case cancelled: cancel its swap while still cancellable (hook of hotline case_cancel,
    in its transaction). A replacement already with the courier or the customer cannot be
    undone by a cancellation: the case cancellation is refused."""
    for swap in Swap.objects.filter(case=case).open():
        if swap.status == S.REQUESTED:
            continue  # the case workflow's own hook cancels requested orders
        if swap.status not in (S.RESERVED, S.BACKORDERED, S.RETURNED_TO_SENDER):
            raise CaseError(_("The replacement is already %(status)s: work the swap instead of "
                              "cancelling the case.") % {"status": swap.get_status_display()},
                            code="swap_under_way")
        swap_cancel(swap=swap, actor=actor, reason=reason or "case cancelled")


def swap_reship(*, swap: Swap, actor=None, reason: str = "") -> Swap:
    """The courier lost the parcel and the customer wants a replacement at once: reserve another
    like-for-like unit and book it."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if swap.status != S.LOST:
            raise CaseError(_("Only a lost parcel is reshipped."), code="not_lost")
        lost_unit = swap.unit_id
        Swap.objects.filter(pk=swap.pk).update(unit=None)
        swap.refresh_from_db()
        found = _reserve_unit(swap=swap, at=timezone.now())
        if found is None:
            Swap.objects.filter(pk=swap.pk).update(unit_id=lost_unit)
            raise CaseError(_("No like-for-like unit left: offer a refund or wait for stock."),
                            code="no_stock")
        unit, warehouse, promise = found
        Swap.objects.filter(pk=swap.pk).update(
            unit=unit, warehouse=warehouse, promised_by=promise.deliver_by,
            promise_reasons=list(promise.reasons))
        swap.refresh_from_db()
        record_event(swap, action="swap_reshipped", actor=actor, reason=reason,
                     data={"lost_unit": lost_unit, "unit": unit.pk,
                           "promised_by": promise.deliver_by.isoformat()})
        return swap_book(swap=swap, actor=actor)


def swap_refund(*, swap: Swap, actor=None, reason: str = "") -> Swap:
    """The courier lost the parcel and the customer chose a refund: the swap closes."""
    from hotline.services import case_resolve

    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        transition(swap, "refund", actor=actor, reason=reason, at=timezone.now(),
                   data={"fees_total": str(swap.fees_total)})
        notification_send(case=swap.case, template="swap_refunded",
                          context={"amount": str(swap.fees_total), "currency": swap.currency})
        if swap.case.status == "in_service":
            case_resolve(case=swap.case, actor=actor, reason=_("Swap refunded"))
    return swap


def swap_return_receive(*, swap: Swap, actor=None) -> Swap:
    """The repair centre received the faulty unit (scanned in without a tracking event)."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        return transition(swap, "receive_return", actor=actor, at=timezone.now())


QUARANTINE_OUTCOMES = {InspectionOutcome.ACTIVATION_LOCK, InspectionOutcome.DATA_NOT_WIPED,
                       InspectionOutcome.CUSTOMER_DAMAGE}


def swap_inspect(*, swap: Swap, actor=None, received_imei: str, outcome: str,
                 fault_code=None, notes: str = "") -> SwapInspection:
    """Record the repair centre's inspection of the returned unit, put the unit in repair or
    quarantine stock, close the swap and resolve the case."""
    from hotline.imei import validate_imei
    from hotline.services import case_resolve

    if outcome not in InspectionOutcome.values:
        raise CaseError(_("Unknown inspection outcome."), field="outcome")
    if outcome == InspectionOutcome.FAULT_CONFIRMED and fault_code is None:
        raise CaseError(_("A confirmed fault needs its fault code."), field="fault_code")
    try:
        received_imei = validate_imei(received_imei)
    except Exception as exc:  # noqa: BLE001 (the validator raises Django's ValidationError)
        raise CaseError(_("This IMEI is not valid."), field="received_imei") from exc
    with transaction.atomic():
        swap = Swap.objects.select_for_update(of=("self",)).select_related("case__handset").get(pk=swap.pk)
        original = swap.case.handset
        matches = original is not None and original.imei == received_imei
        quarantine = not matches or outcome in QUARANTINE_OUTCOMES
        transition(swap, "inspect", actor=actor, reason=notes,
                   data={"outcome": outcome, "received_imei": received_imei,
                         "imei_matches": matches})
        destination = {"warehouse": swap.warehouse,
                       "location": "quarantine" if quarantine else "repair",
                       "grade": UnitGrade.REFURBISHED,
                       "status": UnitStatus.QUARANTINED if quarantine else UnitStatus.RETURNED}
        unit = ReplacementUnit.objects.filter(imei=received_imei).first()
        if unit is None:  # the handset enters our stock, to repair or in quarantine
            unit = ReplacementUnit.objects.create(
                model=original.model if original and original.model else swap.model,
                variant=original.variant if original else swap.variant, imei=received_imei,
                **destination)
        else:  # a unit we knew (an earlier replacement coming back)
            ReplacementUnit.objects.filter(pk=unit.pk).update(**destination)
            if SwapInspection.objects.filter(unit=unit).exists():
                unit = None  # inspected before (an earlier swap) keeps its link
        inspection = SwapInspection.objects.create(
            swap=swap, received_imei=received_imei, imei_matches=matches, outcome=outcome,
            fault_code=fault_code, notes=notes, unit=unit,
            inspected_by=actor if actor is not None and actor.is_authenticated else None)
        if not matches:
            record_event(swap, action="returned_imei_mismatch", actor=actor, data={
                "expected": original.imei if original else "", "received": received_imei})
        transition(swap, "close", actor=actor, at=timezone.now(), check_permission=False)
        if swap.case.status == "in_service":
            case_resolve(case=swap.case, actor=actor, reason=_("Swap closed"))
    return inspection


# --- reminders and charges (beat) ------------------------------------------------------------
def swaps_remind(*, now: datetime.datetime | None = None) -> dict:
    """Remind customers whose parcel waits at a depot, mark faulty units not returned, remind
    on the configured days, and charge what the written confirmation stated after the last."""
    now = now or timezone.now()
    counts = {"hold_reminders": 0, "not_returned": 0, "return_reminders": 0, "charged": 0}
    soon = now + datetime.timedelta(hours=settings.SWAP_HOLD_REMINDER_HOURS)
    for swap in Swap.objects.filter(status=S.HELD_AT_DEPOT, hold_until__lte=soon,
                                    hold_until__gt=now, reminders_sent=0):
        with transaction.atomic():
            if Swap.objects.filter(pk=swap.pk, reminders_sent=0).update(reminders_sent=1):
                notification_send(case=swap.case, template="swap_held_reminder", context={
                    "location": swap.hold_location,
                    "until": timezone.localtime(swap.hold_until).strftime("%Y-%m-%d")})
                record_event(swap, action="swap_hold_reminder")
                counts["hold_reminders"] += 1
    grace = now - datetime.timedelta(days=settings.SWAP_RETURN_GRACE_DAYS)
    for swap in Swap.objects.filter(status=S.DELIVERED, delivered_at__lte=grace):
        transition(swap, "miss_return", actor_label="hotline", check_permission=False)
        counts["not_returned"] += 1
    days = sorted(settings.SWAP_REMINDER_DAYS)
    for swap in Swap.objects.filter(status=S.FAULTY_NOT_RETURNED).select_related("case"):
        age = (now - swap.delivered_at).days
        due = sum(1 for day in days if age >= day)
        if age >= settings.SWAP_CHARGE_AFTER_DAYS and swap.reminders_sent >= len(days):
            if swap_charge(swap=swap, now=now):
                counts["charged"] += 1
            continue
        if due > swap.reminders_sent:
            with transaction.atomic():
                if Swap.objects.filter(pk=swap.pk, reminders_sent=swap.reminders_sent).update(
                        reminders_sent=due):
                    notification_send(case=swap.case, template="swap_return_reminder", context={
                        "charge": str(swap.unreturned_charge or ""),
                        "currency": swap.currency or "EUR",
                        "charge_on": (swap.delivered_at + datetime.timedelta(
                            days=settings.SWAP_CHARGE_AFTER_DAYS)).date().isoformat()})
                    record_event(swap, action="swap_return_reminder", data={"reminder": due})
                    counts["return_reminders"] += 1
    return counts


def swap_charge(*, swap: Swap, now: datetime.datetime | None = None, actor=None) -> bool:
    """Charge the unreturned device fee, only if the written confirmation stated it."""
    from hotline.models import Notification

    stated = swap.unreturned_charge is not None and Notification.objects.filter(
        case=swap.case, template="swap_promised").exists()
    if not stated:
        record_event(swap, action="swap_charge_refused",
                     reason="no unreturned device charge in the terms the customer was sent")
        return False
    with transaction.atomic():
        transition(swap, "charge", actor=actor, actor_label="hotline", check_permission=False,
                   amount=swap.unreturned_charge, at=now or timezone.now(),
                   data={"amount": str(swap.unreturned_charge)})
        notification_send(case=swap.case, template="swap_charged", context={
            "amount": str(swap.unreturned_charge), "currency": swap.currency or "EUR"})
    return True


def swap_on_request(swap: Swap, *, actor=None, carrier_options: dict | None = None) -> Swap:
    """Right after swap_request: state the unreturned charge, reserve, promise and book."""
    Swap.objects.filter(pk=swap.pk).update(
        unreturned_charge=Decimal(settings.SWAP_UNRETURNED_CHARGE),
        decided_at=swap.decided_at or timezone.now())
    swap.refresh_from_db()
    return swap_reserve(swap=swap, actor=actor, carrier_options=carrier_options)


def unreturned_charge_terms(*, currency: str = "EUR") -> str:
    """The sentence of a swap's written terms (quote, confirmation) that states the charge."""
    return _("The courier collects your faulty handset when delivering the replacement. If it "
             "is not returned, an unreturned device charge of %(amount)s %(currency)s applies, "
             "after reminders.") % {"amount": settings.SWAP_UNRETURNED_CHARGE,
                                    "currency": currency or "EUR"}
