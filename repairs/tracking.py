"""The carrier subscriber: courier tracking events drive the mail-in repairs' parcels."""

from django.db import transaction
from django.db.models import Exists, Q

from carriers.subscribers import subscriber
from hotline.models import AuditEvent
from hotline.workflow import allowed_transitions, record_event
from repairs.models import RepairOrder, RepairStatus

R = RepairStatus


def repair_shipment_exists(shipment) -> Exists:
    """Whether a shipment (an OuterRef to its primary key) carries a mail-in repair, either
    way (folded into carriers' look-up of a tracking batch's shipments)."""
    return Exists(RepairOrder.objects.filter(Q(inbound=shipment) | Q(outbound=shipment)))


@subscriber(exists=repair_shipment_exists)
def on_shipment_event(shipment, event) -> None:
    """Called by carriers after commit for each status change of a shipment (idempotent)."""
    from repairs.services import mail_in

    order = RepairOrder.objects.filter(inbound=shipment).first()
    leg = "in"
    if order is None:
        order = RepairOrder.objects.filter(outbound=shipment).first()
        leg = "back"
    if order is None:
        return
    if AuditEvent.objects.filter(object_id=str(order.pk), content_type__model="repairorder",
                                 data__tracking_event=event.pk).exists():
        return
    data = {"tracking_event": event.pk, "leg": leg, "courier_status": event.status,
            "courier_text": event.raw_text, "location": event.location}
    name = {("in", "delivered"): "receive", ("in", "lost"): "lose",
            ("back", "delivered"): "deliver", ("back", "lost"): "lose",
            ("back", "returned_to_sender"): "return_to_centre"}.get((leg, event.status))
    with transaction.atomic():
        order = RepairOrder.objects.select_for_update().get(pk=order.pk)
        if name is None or name not in allowed_transitions(order):
            record_event(order, action="tracking_event_recorded", actor_label=shipment.carrier,
                         data=data)
            return
        record_event(order, action="tracking_event_applied", actor_label=shipment.carrier,
                     data=data)
    if name == "receive":
        mail_in.mail_in_receive(order=order)
    elif name == "deliver":
        mail_in.mail_in_deliver(order=order, at=event.occurred_at, actor_label=shipment.carrier)
    elif name == "lose":
        mail_in.mail_in_lose(order=order, actor_label=shipment.carrier, reason=event.raw_text)
    else:
        from hotline.workflow import transition

        with transaction.atomic():
            transition(RepairOrder.objects.select_for_update().get(pk=order.pk), name,
                       actor_label=shipment.carrier, check_permission=False,
                       reason=event.raw_text)
