"""Swaps: the exception paths an operator works: cancel, reship a lost parcel, refund."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.errors import SwapError
from exchanges.guards import CASE_CANCEL_SWAP_STATES, swap_cancel_refusal
from exchanges.models import (
    ReplacementUnit,
    Swap,
    SwapStatus,
    UnitStatus,
)
from exchanges.quotes.payments import refund_for_swap
from exchanges.swaps.services.booking import swap_book
from exchanges.swaps.services.reservation import reserve_unit
from hotline.notifications import notification_send
from hotline.services import case_resolve
from hotline.workflow import record_event, transition

S = SwapStatus


def swap_cancel(*, swap: Swap, actor=None, reason: str) -> Swap:
    """Cancel a swap nothing of which is with the customer; its unit goes back to stock."""
    if not reason.strip():
        raise SwapError(_("Say why the swap is cancelled."), field="reason")
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
        if swap.status not in CASE_CANCEL_SWAP_STATES:  # the case page's guard (guards.py)
            raise SwapError(swap_cancel_refusal(swap), code="swap_under_way")
        swap_cancel(swap=swap, actor=actor, reason=reason or "case cancelled")


def swap_reship(*, swap: Swap, actor=None, reason: str = "") -> Swap:
    """The courier lost the parcel and the customer wants a replacement at once: reserve another
    like-for-like unit and book it."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if swap.status != S.LOST:
            raise SwapError(_("Only a lost parcel is reshipped."), code="not_lost")
        lost_unit = swap.unit_id
        Swap.objects.filter(pk=swap.pk).update(unit=None)
        swap.refresh_from_db()
        found = reserve_unit(swap=swap, at=timezone.now())
        if found is None:
            Swap.objects.filter(pk=swap.pk).update(unit_id=lost_unit)
            raise SwapError(_("No like-for-like unit left: offer a refund or wait for stock."),
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
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        transition(swap, "refund", actor=actor, reason=reason, at=timezone.now(),
                   data={"fees_total": str(swap.fees_total)})
        notification_send(case=swap.case, template="swap_refunded",
                          context={"amount": str(swap.fees_total), "currency": swap.currency})
        if swap.case.status == "in_service":
            case_resolve(case=swap.case, actor=actor, reason=_("Swap refunded"))
    # What the customer paid for the quote goes back through the provider that took it.
    refund_for_swap(swap=swap, reason=reason, actor=actor)
    return swap
