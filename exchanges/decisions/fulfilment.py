"""The interfaces through which a case orders its swap or visit.

The swap work (stock reservation, courier booking, tracking) and the visit work (slots,
technicians, reports) grow these; the case workflow relies on: a request is recorded with the
customer's address as it is now and the fees of the accepted quote, and never without consent
when it is paid.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import Action
from exchanges.errors import DecisionError
from exchanges.models import Decision, Quote, QuoteStatus, Swap, Visit
from exchanges.swaps.services import swap_reserve
from hotline.fulfilment import fulfilment_provider
from hotline.models import Case
from hotline.notifications import notification_send
from hotline.workflow import actor_or_none, record_event


def _guard_consent(*, decision: Decision, quote: Quote | None) -> None:
    if decision.paid and (quote is None or quote.status != QuoteStatus.ACCEPTED):
        raise DecisionError(_("Nothing paid is dispatched without the customer's recorded consent "
                          "to the quote."), code="no_consent")


def _fees(quote: Quote | None) -> dict:
    if quote is None:
        return {"paid": False, "fees_total": 0, "currency": "", "fee_lines": []}
    lines = [{"description": line.description, "quantity": line.quantity,
              "unit_price": str(line.unit_price), "amount": str(line.amount)}
             for line in quote.lines.all()]
    if quote.delivery_fee:
        lines.append({"description": "delivery", "quantity": 1,
                      "unit_price": str(quote.delivery_fee), "amount": str(quote.delivery_fee)})
    lines.append({"description": "tax", "quantity": 1, "unit_price": str(quote.tax_amount),
                  "amount": str(quote.tax_amount)})
    return {"paid": True, "fees_total": quote.total, "currency": quote.currency,
            "fee_lines": lines}


def _address(case: Case) -> dict:
    address = case.customer.default_address
    if address is None:
        raise DecisionError(_("The customer has no address to send a courier or a technician to."),
                        code="no_address")
    return {"street": address.street, "street2": address.street2, "postcode": address.postcode,
            "city": address.city, "country": address.country,
            "access_notes": address.access_notes}


def swap_request(*, case: Case, decision: Decision, quote: Quote | None = None,
                 actor=None, findings: str = "", carrier_options: dict | None = None) -> Swap:
    """Order a like-for-like swap for the case, in one write with the unreturned device charge
    its written terms state; then reserve a unit (or backorder), set the promise and queue the
    booking. The replacement keeps the original warranty end."""
    _guard_consent(decision=decision, quote=quote)
    handset = case.handset
    if handset is None or handset.model_id is None:
        raise DecisionError(_("The handset's model is unknown: no like-for-like swap."),
                        field="handset")
    with transaction.atomic():
        swap = Swap.objects.create(
            case=case, decision=decision, quote=quote, fault_code=decision.fault_code,
            model=handset.model, variant=handset.variant, warranty_end=handset.warranty_end,
            findings=findings, original_handset=handset,
            decided_at=(quote.answered_at if quote is not None else decision.decided_at)
            or timezone.now(),
            unreturned_charge=Decimal(settings.SWAP_UNRETURNED_CHARGE),
            created_by=actor_or_none(actor),
            **_address(case), **_fees(quote))
        record_event(swap, action="swap_requested", actor=actor, case=case,
                     data={"swap": swap.pk, "model": str(handset.model),
                           "fees_total": str(swap.fees_total)})
        swap = swap_reserve(swap=swap, actor=actor, carrier_options=carrier_options)
    return swap


def visit_request(*, case: Case, decision: Decision, quote: Quote | None = None,
                  actor=None) -> Visit:
    """Order a technician visit for the case."""
    _guard_consent(decision=decision, quote=quote)
    with transaction.atomic():
        visit = Visit.objects.create(
            case=case, decision=decision, quote=quote, fault_code=decision.fault_code,
            decided_at=(quote.answered_at if quote is not None else decision.decided_at)
            or timezone.now(),
            created_by=actor_or_none(actor),
            **_address(case), **_fees(quote))
        record_event(visit, action="visit_requested", actor=actor, case=case,
                     data={"visit": visit.pk, "postcode": visit.postcode,
                           "fees_total": str(visit.fees_total)})
    return visit


# The service orders a decision may place: its outcome -> the function that orders it.
SERVICE_ORDERS = {Action.SWAP: swap_request, Action.VISIT: visit_request}


def service_order_create(*, case: Case, decision: Decision, quote: Quote | None = None,
                         actor=None) -> Swap | Visit:
    """Order the swap or visit the decision calls for and tell the customer what happens next."""
    order_service = SERVICE_ORDERS.get(decision.outcome)
    if order_service is None:
        provider = fulfilment_provider(decision.outcome)
        if provider is None:
            raise DecisionError(_("Only a swap or a visit is ordered."), code="not_a_service")
        # A provided outcome (mail-in repair) tells the customer what happens next itself.
        return provider.fulfil(case=case, decision=decision, quote=quote, actor=actor,
                               options={})
    order = order_service(case=case, decision=decision, quote=quote, actor=actor)
    if decision.outcome != Action.SWAP:
        # A swap tells its own milestones at once (promised or backordered, then booked with
        # its tracking link): one message a milestone, never "we will send the date" after it.
        notification_send(case=case, template="outcome_booked",
                          context={"outcome": decision.outcome, "paid": bool(quote),
                                   "address": order.address_line})
    return order
