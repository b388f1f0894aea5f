"""Mail-in repair, the fourth fulfilment: a prepaid label and a packing slip to the customer,
the unit in, repaired, shipped back; with every exception path (never sent, beyond economic
repair, customer damage, lost in transit)."""

from __future__ import annotations

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchanges.models import Quote, QuoteLine, QuoteStatus
from exchanges.swaps.promise import PromiseRules, promise_compute
from hotline.errors import CaseError
from hotline.models import Case
from hotline.outbox import outbox_enqueue
from hotline.services import case_follow_up_window, sequence_next
from hotline.workflow import record_event, transition
from repairs.models import RepairKind, RepairOrder, RepairResult, RepairStatus
from repairs.services import parts as parts_service
from repairs.services.orders import _locked, _measure, repair_notify, repair_number

R = RepairStatus
LABEL_TASK = "repairs.tasks.mail_in_label"
RETURN_TASK = "repairs.tasks.mail_in_return"
BENCH_DAYS = 3  # working days on the bench, promised
REMINDER_DAYS = (5, 10)  # reminders when the unit is not sent
CANCEL_DAYS = 15  # then the order is cancelled
CENT = Decimal("0.01")


def repair_promise(*, at: datetime.datetime, postcode: str, country: str, received: bool):
    """The date the repaired unit is back with the customer: (transit in unless received) +
    bench days + transit back, in working days of the centre's country, like a swap's."""
    centre = settings.HOTLINE_WAREHOUSE
    rules = PromiseRules(warehouse_country=centre["country"], cutoff=datetime.time(17, 0),
                         delivery_by=datetime.time(18, 0),
                         transit_days=BENCH_DAYS + 1 + (0 if received else 1))
    return promise_compute(rules=rules, at=at, country=country, postcode=postcode)


def mail_in_create(*, case: Case, decision, quote=None, actor=None) -> RepairOrder:
    """Order a mail-in repair for the case (run where the case goes into service): the
    prepaid label is booked after commit and sent with the packing slip."""
    handset = case.handset
    if handset is None or handset.model_id is None:
        raise CaseError(_("Identify the handset (IMEI and model) before a mail-in repair."),
                        field="handset")
    if decision.paid and (quote is None or quote.status != QuoteStatus.ACCEPTED):
        raise CaseError(_("Nothing paid is dispatched without the customer's recorded consent "
                          "to the quote."), code="no_consent")
    address = case.customer.default_address
    if address is None:
        raise CaseError(_("The customer has no address to send the label to."),
                        code="no_address")
    now = timezone.now()
    promise = repair_promise(at=now, postcode=address.postcode, country=address.country,
                             received=False)
    order = RepairOrder.objects.create(
        number=repair_number(), kind=RepairKind.MAIL_IN, case=case, decision=decision,
        quote=quote, model=handset.model, imei=handset.imei, fault_code=decision.fault_code,
        street=address.street, street2=address.street2, postcode=address.postcode,
        city=address.city, country=address.country, access_notes=address.access_notes,
        promised_by=promise.deliver_by, promise_reasons=list(promise.reasons),
        created_by=actor if actor is not None and actor.is_authenticated else None)
    record_event(order, action="repair_ordered", actor=actor, case=case, data={
        "repair": order.number, "imei": order.imei, "promised_by": promise.deliver_by})
    _queue(LABEL_TASK, order, f"repair-label-{order.pk}")
    return order


def _queue(task: str, order: RepairOrder, key: str) -> None:
    outbox_enqueue(task=task, kwargs={"order_id": order.pk, "key": key}, key=key)


def _addresses(order: RepairOrder):
    from carriers.domain import Address

    customer = order.case.customer
    phone = customer.phones.order_by("id").first()
    person = Address(name=customer.full_name, street=order.street, street2=order.street2,
                     postcode=order.postcode, city=order.city, country=order.country,
                     phone=str(phone.number) if phone else "", email=customer.email or "",
                     notes=order.access_notes)
    centre = Address.from_dict({**settings.HOTLINE_WAREHOUSE,
                                "name": _("Repair centre")})
    return person, centre


def _carrier() -> str:
    from exchanges.models import Warehouse

    warehouse = Warehouse.objects.filter(active=True).first()
    return warehouse.carrier if warehouse else "sandbox"


def _parcel(contents: str):
    from carriers.domain import Parcel

    return Parcel(weight_kg=Decimal("0.5"), length_cm=20, width_cm=12, height_cm=8,
                  contents=contents)


def mail_in_label_run(*, order_id: int, key: str) -> RepairOrder:
    """Book the prepaid label, customer -> repair centre (outbox task; idempotent by key)."""
    from carriers.domain import CarrierError, Service
    from carriers.services import shipment_book

    order = RepairOrder.objects.select_related("case__customer", "inbound").get(pk=order_id)
    if order.status != R.AWAITING_UNIT or (order.inbound_id and order.inbound.booking_key == key):
        return order
    person, centre = _addresses(order)
    try:
        result = shipment_book(carrier=_carrier(), sender=person, recipient=centre,
                               parcels=[_parcel(f"Handset for repair {order.number}")],
                               service=Service.NEXT_DAY, reference=order.number,
                               idempotency_key=key, language=order.case.customer.language or "")
    except CarrierError as exc:
        if not exc.permanent:
            raise
        RepairOrder.objects.filter(pk=order.pk).update(label_error=exc.message[:2000])
        record_event(order, action="repair_label_refused", reason=exc.message[:500])
        return order
    with transaction.atomic():
        RepairOrder.objects.filter(pk=order.pk).update(inbound=result.outbound, label_error="")
        order.refresh_from_db()
        record_event(order, action="repair_label_booked", actor_label=result.outbound.carrier,
                     data={"tracking_number": result.outbound.tracking_number})
        repair_notify(order, "repair_label", tracking_number=result.outbound.tracking_number,
                      promised_by=timezone.localtime(order.promised_by).strftime("%Y-%m-%d"),
                      centre=", ".join(_addresses(order)[1].lines()),
                      attachment="repairs.pdf.mail_in_pack_attachment",
                      attachment_kwargs={"order_id": order.pk})
    return order


def mail_in_receive(*, order: RepairOrder, actor=None, imei: str = "") -> RepairOrder:
    """The customer's parcel is at the centre (scanned in, or the courier's delivery)."""
    with transaction.atomic():
        order = _locked(order)
        now = timezone.now()
        imei = imei.strip() or order.imei
        transition(order, "receive", actor=actor, at=now,
                   data={"imei": imei, "imei_matches": imei == order.imei})
        promise = repair_promise(at=now, postcode=order.postcode, country=order.country,
                                 received=True)
        RepairOrder.objects.filter(pk=order.pk).update(promised_by=promise.deliver_by,
                                                       promise_reasons=list(promise.reasons))
        order.refresh_from_db()
        repair_notify(order, "repair_received",
                      promised_by=timezone.localtime(order.promised_by).strftime("%Y-%m-%d"))
    return order


def mail_in_ship_back(*, order: RepairOrder, actor=None) -> RepairOrder:
    """Book the unit's way back to the customer (after commit, by the outbox)."""
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (R.QUALITY_CHECK, R.AWAITING_CONSENT):
            raise CaseError(_("Only a checked unit is shipped back."), code="not_checked")
        key = f"repair-return-{order.pk}-{order.checks_failed}-{order.outbound_id or 0}"
        record_event(order, action="repair_return_requested", actor=actor, data={"key": key})
        _queue(RETURN_TASK, order, key)
    return order


def mail_in_return_run(*, order_id: int, key: str) -> RepairOrder:
    """Book the courier, centre -> customer, then the order is shipped back (outbox task)."""
    from carriers.domain import Service
    from carriers.services import shipment_book

    order = RepairOrder.objects.select_related("case__customer", "outbound").get(pk=order_id)
    if order.status not in (R.QUALITY_CHECK, R.AWAITING_CONSENT):
        return order
    person, centre = _addresses(order)
    result = shipment_book(carrier=_carrier(), sender=centre, recipient=person,
                           parcels=[_parcel(f"Repaired handset {order.number}")],
                           service=Service.NEXT_DAY, reference=order.number,
                           idempotency_key=key, language=order.case.customer.language or "")
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (R.QUALITY_CHECK, R.AWAITING_CONSENT):
            return order
        transition(order, "ship_back", actor_label=result.outbound.carrier,
                   check_permission=False, shipment=result.outbound,
                   data={"tracking_number": result.outbound.tracking_number})
        repair_notify(order, "repair_shipped", tracking_number=result.outbound.tracking_number,
                      result=order.get_result_display())
    return order


def mail_in_deliver(*, order: RepairOrder, at=None, actor=None, actor_label: str = "") -> RepairOrder:
    """The customer has the unit back: the case is resolved."""
    from hotline.services import case_resolve

    with transaction.atomic():
        order = _locked(order)
        at = at or timezone.now()
        transition(order, "deliver", actor=actor, actor_label=actor_label,
                   check_permission=False, at=at)
        _measure(order, at)
        if order.case.status == "in_service":
            case_resolve(case=order.case, actor=actor, actor_label=actor_label,
                         reason=_("Repaired handset delivered"),
                         data={"repair": order.number})
    return order


def mail_in_replace(*, order: RepairOrder, reason: str, actor=None) -> RepairOrder:
    """Beyond economic repair (or lost in transit): a like-for-like swap is ordered instead."""
    from exchanges.decisions.fulfilment import swap_request

    if not reason.strip():
        raise CaseError(_("Say why the handset is not repaired."), field="reason")
    with transaction.atomic():
        order = _locked(order)
        lost = order.status == R.LOST
        transition(order, "replace", actor=actor, reason=reason)
        RepairOrder.objects.filter(pk=order.pk).update(
            end_reason=reason[:300], finished_at=timezone.now(),
            result="" if lost else RepairResult.BEYOND_ECONOMIC_REPAIR)
        order.refresh_from_db()
        parts_service.parts_release(order=order, actor=actor)
        swap = swap_request(case=order.case, decision=order.decision, quote=order.quote,
                            actor=actor, findings=reason)
        record_event(order, action="repair_replaced_by_swap", actor=actor,
                     data={"swap": swap.pk, "lost": lost})
        repair_notify(order, "repair_replaced", reason=reason)
        if not lost:
            from repairs.services.orders import _publish

            _publish(order)
    return order


def mail_in_cancel(*, order: RepairOrder, reason: str, actor=None, actor_label: str = "") -> RepairOrder:
    """The unit was never sent (or the case is cancelled): the order and its label lapse."""
    from hotline.services import case_resolve

    with transaction.atomic():
        order = _locked(order)
        transition(order, "cancel", actor=actor, actor_label=actor_label, reason=reason,
                   check_permission=False)
        RepairOrder.objects.filter(pk=order.pk).update(end_reason=reason[:300])
        if order.case.status == "in_service" and actor_label == "scheduler":
            repair_notify(order, "repair_cancelled")
            case_resolve(case=order.case, actor_label=actor_label, reason=reason)
    return order


def mail_in_remind(*, now: datetime.datetime | None = None) -> dict:
    """Units not sent: a reminder at each of REMINDER_DAYS, then cancelled at CANCEL_DAYS."""
    now = now or timezone.now()
    done = {"reminded": 0, "cancelled": 0}
    waiting = RepairOrder.objects.filter(status=R.AWAITING_UNIT, kind=RepairKind.MAIL_IN)
    for order in waiting.filter(created_at__lte=now - datetime.timedelta(days=CANCEL_DAYS))[:500]:
        mail_in_cancel(order=order, actor_label=gettext_noop("scheduler"),
                       reason=_("The handset was not sent within %(days)s days.")
                       % {"days": CANCEL_DAYS})
        done["cancelled"] += 1
    for count, days in enumerate(REMINDER_DAYS, start=1):
        due = waiting.filter(reminders_sent=count - 1,
                             created_at__lte=now - datetime.timedelta(days=days))
        for order in due[:500]:
            with transaction.atomic():
                if not RepairOrder.objects.filter(pk=order.pk, reminders_sent=count - 1).update(
                        reminders_sent=count):
                    continue
                record_event(order, action="repair_reminder_sent", actor_label=gettext_noop("scheduler"),
                             data={"reminder": count})
                repair_notify(order, "repair_reminder",
                              tracking_number=order.inbound.tracking_number
                              if order.inbound_id else "")
                done["reminded"] += 1
    return done


def mail_in_close_delivered(*, now: datetime.datetime | None = None) -> int:
    """Close the repairs delivered longer ago than the case's follow-up window (a repeat
    contact within it still finds them open); return how many were closed."""
    before = (now or timezone.now()) - case_follow_up_window()
    closed = 0
    due = RepairOrder.objects.filter(status=R.DELIVERED, finished_at__lte=before)
    for pk in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            order = _locked(RepairOrder(pk=pk))
            if order.status != R.DELIVERED:
                continue
            transition(order, "close", actor_label=gettext_noop("scheduler"), check_permission=False,
                       reason=gettext_noop("delivered, follow-up window over"))
            closed += 1
    return closed


def mail_in_lose(*, order: RepairOrder, actor_label: str, reason: str = "") -> RepairOrder:
    with transaction.atomic():
        order = _locked(order)
        transition(order, "lose", actor_label=actor_label, check_permission=False, reason=reason)
        repair_notify(order, "repair_lost")
    return order


# --- customer-induced damage: the quote and the written consent ------------------------------
def repair_quote_send(*, order: RepairOrder, actor, amount, currency: str,
                      description: str) -> Quote:
    """Send the customer a quote for repairing the damage (same quotes, link and PDF as a paid
    swap); the repair waits for the written consent."""
    from exchanges.quotes.services import quote_notify

    try:
        amount = Decimal(str(amount)).quantize(CENT)
    except ArithmeticError:
        raise CaseError(_("Give the price of the repair."), field="amount") from None
    if amount <= 0:
        raise CaseError(_("Give the price of the repair."), field="amount")
    tax_rate = Decimal(settings.EXCHANGES_TAX_RATE)
    tax = (amount * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    now = timezone.now()
    quote = Quote.objects.create(
        case=order.case, decision=order.decision,
        number=f"Q-{now.year}-{sequence_next(name=f'quote-{now.year}'):06d}",
        token=secrets.token_urlsafe(32), outcome=order.decision.outcome, currency=currency,
        subtotal=amount, delivery_fee=Decimal("0"), tax_rate=tax_rate, tax_amount=tax,
        total=amount + tax,
        expires_at=now + datetime.timedelta(days=settings.EXCHANGES_QUOTE_VALID_DAYS),
        created_by=actor if actor is not None and actor.is_authenticated else None)
    QuoteLine.objects.create(quote=quote, position=1, description=description[:200],
                             quantity=1, unit_price=amount, amount=amount)
    RepairOrder.objects.filter(pk=order.pk).update(quote=quote)
    order.quote = quote
    record_event(quote, action="quote_sent", actor=actor, case=order.case,
                 data={"quote": quote.number, "total": str(quote.total), "repair": order.number})
    quote_notify(quote=quote)
    return quote


def repair_consent(*, order: RepairOrder, accepted: bool, actor=None, signed_by: str = "") -> RepairOrder:
    """Record the customer's signed answer to the damage quote at the repair centre, through
    the quotes' own services (as for a paid swap); `quote_answered` then moves the repair."""
    from exchanges.quotes.services import quote_accept, quote_decline

    order = RepairOrder.objects.select_related("quote").get(pk=order.pk)
    if order.status != R.AWAITING_CONSENT or order.quote_id is None:
        raise CaseError(_("Repair %(number)s awaits no consent.") % {"number": order.number},
                        code="no_quote")
    if accepted:
        quote_accept(quote=order.quote, via="signed", signed_by=signed_by, actor=actor)
    else:
        quote_decline(quote=order.quote, via="signed", actor=actor,
                      reason=_("declined at the repair centre"))
    order.refresh_from_db()
    return order


def quote_answered(*, quote, accepted: bool, actor=None) -> None:
    """Hook of the quotes (`quote_answered_hooks`): consent lets the repair start; a refusal
    or an expired quote returns the unit unrepaired."""
    order = RepairOrder.objects.filter(quote=quote, status=R.AWAITING_CONSENT).first()
    if order is None:
        return
    record_event(order, action="repair_consent" if accepted else "repair_declined",
                 actor=actor, data={"quote": quote.number, "status": quote.status})
    if not accepted:
        RepairOrder.objects.filter(pk=order.pk).update(result=RepairResult.DECLINED)
        mail_in_ship_back(order=order, actor=actor)
