"""Swaps: book the courier (delivery and collection in one visit) through the outbox, the
collection alone, and the customer's tracking link."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carriers.domain import Address, CarrierError, Parcel, Service
from carriers.registry import carrier_get
from carriers.services import shipment_book, shipment_cancel
from exchanges.errors import SwapError
from exchanges.models import (
    ReplacementUnit,
    Swap,
    SwapStatus,
    UnitStatus,
)
from exchanges.swaps.services.promise import dispatch_time, swap_promise
from hotline.errors import DomainError
from hotline.notifications import notification_send
from hotline.outbox import outbox_enqueue
from hotline.validators import normalise_country, normalise_postcode
from hotline.workflow import record_event, transition

log = logging.getLogger(__name__)

S = SwapStatus
BOOK_TASK = "exchanges.tasks.swap_book"
BOOKABLE = (S.RESERVED, S.BOOKED, S.DELIVERY_FAILED, S.HELD_AT_DEPOT, S.RETURNED_TO_SENDER,
            S.LOST)


SHIP_ON_MAX_DAYS = 60


def _address_checked(changes: dict, swap: Swap) -> dict:
    """Return the country and postcode of a new delivery address, normalised (ISO 3166 country,
    the country's postcode shape), or raise naming the field."""
    try:
        country = normalise_country(changes.get("country") or swap.country)
    except ValidationError as exc:
        raise SwapError(exc.messages[0], field="country") from None
    checked = {"country": country}
    if "postcode" in changes or "country" in changes:
        try:
            checked["postcode"] = normalise_postcode(changes.get("postcode") or swap.postcode,
                                                     country)
        except ValidationError as exc:
            raise SwapError(exc.messages[0], field="postcode") from None
    return checked


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
            raise SwapError(_("This swap cannot be booked now (%(status)s).")
                            % {"status": swap.get_status_display()}, code="not_bookable")
        changes = {"booking_attempt": swap.booking_attempt + 1, "booking_error": ""}
        if recipient:
            allowed = {"street", "street2", "postcode", "city", "country", "access_notes",
                       "recipient_name", "recipient_phone"}
            changes |= {k: v for k, v in recipient.items() if k in allowed and v is not None}
            changes |= _address_checked(changes, swap)
        if ship_on is not None:
            if ship_on < timezone.localdate():
                raise SwapError(_("The delivery day cannot be in the past."), field="ship_on")
            if ship_on > timezone.localdate() + datetime.timedelta(days=SHIP_ON_MAX_DAYS):
                raise SwapError(_("The delivery day must be within %(days)d days.")
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


def booking_key(swap: Swap, attempt: int | None = None) -> str:
    return f"swap-book-{swap.pk}-{attempt or swap.booking_attempt}"


def _addresses(swap: Swap):
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
    """Book attempt `attempt` at the courier (the outbox task): call the courier, then apply
    the booking. Idempotent: the booking key is the outbox key, so a repeat returns the first
    booking. A transient courier error raises (the task retries); a permanent one is kept on
    the swap for the exceptions queue."""
    swap = Swap.objects.select_related("case__customer", "warehouse", "unit", "outbound").get(
        pk=swap_id)
    if swap.booking_attempt != attempt:
        return None  # a later attempt superseded this one
    if not _still_to_book(swap, attempt):
        return swap  # cancelled, the parcel moved on, or this attempt is already booked
    result = _courier_book(swap, attempt=attempt, options=options or {})
    if result is None:
        return swap
    return swap_booking_apply(swap=swap, attempt=attempt, result=result)


def _still_to_book(swap: Swap, attempt: int) -> bool:
    return swap.status in BOOKABLE and swap.booking_attempt == attempt and not (
        swap.outbound_id and swap.outbound.booking_key == booking_key(swap, attempt))


def _courier_book(swap: Swap, *, attempt: int, options: dict):
    """Call the courier: delivery of the replacement and collection of the faulty unit in one
    visit. Return the courier's booking, or None when it refused for good (its words are kept
    on the swap, with their audit row, in one transaction)."""
    sender, recipient, returns = _addresses(swap)
    replacement = Parcel(weight_kg=Decimal("0.6"), length_cm=20, width_cm=12, height_cm=8,
                         contents=f"Replacement handset {swap.variant or swap.model}")
    # The parcel leaves on the day the promise says: a working day of the warehouse's calendar
    # (the next one after the cut-off, a weekend or a holiday), or the later day chosen.
    ship_date = swap_promise(warehouse=swap.warehouse, postcode=swap.postcode, country=swap.country,
                             at=dispatch_time(swap, timezone.now())).ships_on
    try:
        return shipment_book(
            carrier=swap.warehouse.carrier, sender=sender, recipient=recipient,
            parcels=[replacement], service=Service.NEXT_DAY_NOON, reference=swap.case.number,
            idempotency_key=booking_key(swap, attempt), return_parcels=[_faulty_parcel()],
            return_to=returns, ship_date=ship_date,
            language=swap.case.customer.language or "", options=options)
    except CarrierError as exc:
        if not exc.permanent:
            raise
        with transaction.atomic():
            Swap.objects.filter(pk=swap.pk, booking_attempt=attempt).update(
                booking_error=exc.message[:2000])
            record_event(swap, action="swap_booking_refused", actor_label=swap.warehouse.carrier,
                         reason=exc.message[:500], data={"attempt": attempt})
        return None


def swap_booking_apply(*, swap: Swap, attempt: int, result) -> Swap:
    """Apply the courier's booking to the swap (state, promise, unit shipped, the customer
    told) in one transaction, unless the swap moved on meanwhile; then cancel the shipments
    the booking replaces."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update(of=("self",)).select_related("outbound").get(pk=swap.pk)
        if not _still_to_book(swap, attempt):
            return swap
        old = [s for s in (swap.outbound, swap.collection) if s is not None]
        promise = swap_promise(warehouse=swap.warehouse, postcode=swap.postcode,
                               country=swap.country, at=dispatch_time(swap, timezone.now()))
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
        # One message for the milestone: the unit reserved, the promise, the courier's
        # tracking and the unreturned device charge's terms (swap_charge needs them stated).
        notification_send(case=swap.case, template="swap_booked", context={
            "tracking_url": tracking_url(result.outbound),
            "tracking_number": result.outbound.tracking_number,
            "promised_by": timezone.localtime(swap.promised_by).strftime("%Y-%m-%d %H:%M"),
            "address": swap.address_line, "model": str(swap.variant or swap.model),
            "charge": str(swap.unreturned_charge or ""), "currency": swap.currency or "EUR"})
    for shipment in old:
        _cancel_quietly(shipment)
    return swap


def _faulty_parcel() -> Parcel:
    return Parcel(weight_kg=Decimal("0.5"), length_cm=20, width_cm=12, height_cm=8,
                  contents="Faulty handset (return)")


COLLECT_TASK = "exchanges.tasks.swap_collection_book"


def swap_collection_book(*, swap: Swap, actor=None, reason: str = "") -> Swap:
    """Book a courier to collect the faulty unit alone (it was not handed over at delivery)."""
    if swap.status not in (S.DELIVERED, S.FAULTY_NOT_RETURNED):
        raise SwapError(_("A collection alone is booked only after delivery, while the faulty "
                          "unit is not back."), code="not_collectable")
    key = f"swap-return-{swap.pk}-after-{swap.collection_id or 0}"
    with transaction.atomic():
        record_event(swap, action="swap_collection_requested", actor=actor, reason=reason,
                     data={"key": key})
        outbox_enqueue(task=COLLECT_TASK, kwargs={"swap_id": swap.pk, "key": key}, key=key)
    return swap


def swap_collection_book_run(*, swap_id: int, key: str) -> Swap:
    """Book the collection (outbox task): from the customer's address to the returns centre."""
    swap = Swap.objects.select_related("case__customer", "warehouse", "collection").get(
        pk=swap_id)
    if swap.collection_id and swap.collection.booking_key == key:
        return swap
    if swap.status not in (S.DELIVERED, S.FAULTY_NOT_RETURNED):
        return swap
    _sender, customer, returns = _addresses(swap)
    result = shipment_book(carrier=swap.warehouse.carrier, sender=customer, recipient=returns,
                           parcels=[_faulty_parcel()], service=Service.NEXT_DAY, reference=swap.case.number,
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
    with transaction.atomic():
        Swap.objects.filter(pk=swap_id, booking_attempt=attempt, status__in=BOOKABLE).update(
            booking_error=_("Courier unreachable after every retry: %(message)s")
            % {"message": message[:1800]})
        swap = Swap.objects.filter(pk=swap_id).first()
        if swap is not None:
            record_event(swap, action="swap_booking_gave_up", reason=message[:500],
                         data={"attempt": attempt})


def _cancel_quietly(shipment) -> None:
    if shipment.is_final:
        return
    try:
        shipment_cancel(shipment=shipment, reason=gettext_noop("superseded by a new booking of the swap"))
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
    carrier = carrier_get(shipment.carrier)
    return (carrier.public_tracking_url(shipment.tracking_number)
            or f"{carrier.name} {shipment.tracking_number}")
