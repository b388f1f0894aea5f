"""Swaps: the courier's tracking events drive the swap's state (idempotent)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carriers.domain import TrackingStatus
from exchanges.models import (
    ReplacementUnit,
    Swap,
    UnitStatus,
)
from exchanges.swaps.services.inspection import ledger_record
from hotline.models import AuditEvent
from hotline.notifications import notification_send
from hotline.workflow import allowed_transitions, record_event, transition

T = TrackingStatus


@dataclass(frozen=True)
class TrackingStep:
    """What a courier's status does to a swap: the transition it runs, the transition's
    arguments taken from the event, and what follows in the same transaction."""

    transition: str
    arguments: Callable[[Swap, object], dict] = lambda swap, event: {}
    then: Callable[[Swap, object], None] = lambda swap, event: None


def _at(swap, event) -> dict:
    return {"at": event.occurred_at}


def _held(swap, event) -> dict:
    return {"until": event.occurred_at + datetime.timedelta(days=settings.SWAP_DEPOT_HOLD_DAYS),
            "location": event.location or _("the courier's depot")}


def _delivered(swap, event) -> None:
    ledger_record(swap=swap)


def _delivery_failed(swap, event) -> None:
    notification_send(case=swap.case, template="swap_delivery_failed",
                      context={"reason": event.get_reason_display() if event.reason else
                               event.raw_text})


def _held_told(swap, event) -> None:
    notification_send(case=swap.case, template="swap_held", context={
        "location": swap.hold_location,
        "until": timezone.localtime(swap.hold_until).strftime("%Y-%m-%d"),
        "case_number": swap.case.number})


def _lost(swap, event) -> None:
    ReplacementUnit.objects.filter(pk=swap.unit_id).update(status=UnitStatus.LOST)
    notification_send(case=swap.case, template="swap_lost", context={})


def _back_at_warehouse(swap, event) -> None:
    ReplacementUnit.objects.filter(pk=swap.unit_id).update(status=UnitStatus.RESERVED)


# One table per leg: the courier's status -> what it does to the swap.
OUTBOUND_STEPS = {
    T.PICKED_UP: TrackingStep("ship"),
    T.IN_TRANSIT: TrackingStep("ship"),
    T.OUT_FOR_DELIVERY: TrackingStep("send_out"),
    T.DELIVERED: TrackingStep("deliver", _at, _delivered),
    T.DELIVERY_FAILED: TrackingStep("fail_delivery", then=_delivery_failed),
    T.HELD_AT_DEPOT: TrackingStep("hold", _held, _held_told),
    T.RETURNED_TO_SENDER: TrackingStep("return_to_sender", then=_back_at_warehouse),
    T.LOST: TrackingStep("lose", then=_lost),
}
RETURN_STEPS = {
    T.PICKED_UP: TrackingStep("ship_return"),
    T.IN_TRANSIT: TrackingStep("ship_return"),
    T.OUT_FOR_DELIVERY: TrackingStep("ship_return"),
    T.DELIVERED: TrackingStep("receive_return", _at),
}


def swap_tracking_apply(*, shipment, event) -> Swap | None:
    """Apply a courier's tracking event to the swap whose shipment it is. Idempotent: an event
    already applied, or one that does not apply in the swap's state, is recorded, never raised."""
    swap = Swap.objects.filter(outbound=shipment).first()
    steps, leg = OUTBOUND_STEPS, "outbound"
    if swap is None:
        swap = Swap.objects.filter(collection=shipment).first()
        steps, leg = RETURN_STEPS, "return"
    if swap is None:
        return None
    if AuditEvent.objects.filter(object_id=str(swap.pk), data__tracking_event=event.pk,
                                 content_type__model="swap").exists():
        return swap  # a repeated notification
    step = steps.get(event.status)
    data = {"tracking_event": event.pk, "leg": leg, "courier_status": event.status,
            "courier_text": event.raw_text, "location": event.location}
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if step is None or step.transition not in allowed_transitions(swap):
            record_event(swap, action="tracking_event_not_applied", actor_label=shipment.carrier,
                         data=data)
            return swap
        transition(swap, step.transition, actor_label=shipment.carrier, check_permission=False,
                   reason=event.raw_text, data=data, **step.arguments(swap, event))
        step.then(swap, event)
    return swap
