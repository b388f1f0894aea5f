"""Swaps: the courier's tracking events drive the swap's state (idempotent)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import (
    ReplacementUnit,
    Swap,
    SwapStatus,
    UnitStatus,
)
from exchanges.swaps.services.inspection import ledger_record
from hotline.models import AuditEvent
from hotline.notifications import notification_send
from hotline.workflow import allowed_transitions, record_event, transition

S = SwapStatus


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
