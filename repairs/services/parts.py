"""Parts for repairs: reserved under a row lock when a repair needs them, consumed when it is
done, released when it ends otherwise; stock received serves the oldest promise first."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.errors import CaseError
from hotline.workflow import record_event
from repairs.models import Part, PartStock, PartUse, PartUseStatus, RepairOrder, StockLocation

U = PartUseStatus


def centre_location() -> StockLocation:
    location = StockLocation.objects.filter(is_repair_centre=True).first()
    if location is None:
        raise CaseError(_("No stock location is marked as the repair centre: a supervisor adds "
                          "one in the admin."), code="no_centre")
    return location


def _stock_row(part: Part, location: StockLocation) -> PartStock:
    """Return the stock row locked FOR UPDATE (created empty if the part was never stocked)."""
    PartStock.objects.get_or_create(part=part, location=location)
    return PartStock.objects.select_for_update().get(part=part, location=location)


def parts_request(*, order: RepairOrder, part: Part, quantity: int = 1, actor=None,
                  location: StockLocation | None = None) -> PartUse:
    """Ask for `quantity` of `part` for the repair: reserved at once when free, else wanted
    (the repair waits for it). Call inside the order's transaction."""
    if quantity < 1 or quantity > 20:
        raise CaseError(_("A quantity from 1 to 20."), field="quantity")
    if not part.handset_models.filter(pk=order.model_id).exists():
        raise CaseError(_("%(part)s does not fit %(model)s.") % {"part": part.part_number,
                                                               "model": order.model},
                        field="part")
    location = location or centre_location()
    with transaction.atomic():
        row = _stock_row(part, location)
        reserve = row.on_hand - row.reserved >= quantity
        if reserve:
            PartStock.objects.filter(pk=row.pk).update(reserved=F("reserved") + quantity)
        use = PartUse.objects.create(order=order, part=part, location=location,
                                     quantity=quantity, unit_cost=part.cost,
                                     status=U.RESERVED if reserve else U.WANTED)
        record_event(order, action="part_reserved" if reserve else "part_wanted", actor=actor,
                     data={"part": part.part_number, "quantity": quantity,
                           "location": location.code})
    return use


def parts_all_reserved(order: RepairOrder) -> bool:
    return not order.part_uses.filter(status=U.WANTED).exists()


def parts_consume(*, order: RepairOrder, actor=None) -> int:
    """The repair is done: every reserved part leaves the stock. Return the parts consumed."""
    now = timezone.now()
    consumed = 0
    with transaction.atomic():
        uses = list(PartUse.objects.select_for_update().filter(order=order, status=U.RESERVED))
        for use in uses:
            row = _stock_row(use.part, use.location)
            PartStock.objects.filter(pk=row.pk).update(
                on_hand=F("on_hand") - use.quantity, reserved=F("reserved") - use.quantity)
            consumed += use.quantity
        PartUse.objects.filter(pk__in=[use.pk for use in uses]).update(status=U.CONSUMED,
                                                                      consumed_at=now)
        if uses:
            record_event(order, action="parts_consumed", actor=actor, data={
                "parts": [[use.part.part_number, use.quantity] for use in uses]})
    return consumed


def parts_release(*, order: RepairOrder, actor=None) -> int:
    """The repair ends without them: reserved parts go back to free stock, wanted ones lapse."""
    released = 0
    with transaction.atomic():
        uses = list(PartUse.objects.select_for_update().filter(
            order=order, status__in=[U.RESERVED, U.WANTED]))
        for use in uses:
            if use.status == U.RESERVED:
                row = _stock_row(use.part, use.location)
                PartStock.objects.filter(pk=row.pk).update(reserved=F("reserved") - use.quantity)
                released += use.quantity
        PartUse.objects.filter(pk__in=[use.pk for use in uses]).update(status=U.RELEASED)
        if uses:
            record_event(order, action="parts_released", actor=actor, data={"released": released})
    return released


def parts_receive(*, part: Part, location: StockLocation, quantity: int, actor=None) -> list:
    """Book `quantity` received into stock and reserve it for the waiting repairs, oldest
    promise first. Return the orders whose parts are now all reserved."""
    if quantity < 1:
        raise CaseError(_("A quantity of at least 1."), field="quantity")
    ready = []
    with transaction.atomic():
        row = _stock_row(part, location)
        PartStock.objects.filter(pk=row.pk).update(on_hand=F("on_hand") + quantity)
        free = row.on_hand + quantity - row.reserved
        record_event(row, action="parts_received", actor=actor,
                     data={"part": part.part_number, "quantity": quantity,
                           "location": location.code})
        waiting = (PartUse.objects.select_for_update(of=("self",))
                   .filter(part=part, location=location, status=U.WANTED)
                   .select_related("order")
                   .order_by(F("order__promised_by").asc(nulls_last=True), "created_at", "id"))
        for use in waiting:
            if use.quantity > free:
                continue
            free -= use.quantity
            PartStock.objects.filter(pk=row.pk).update(reserved=F("reserved") + use.quantity)
            PartUse.objects.filter(pk=use.pk).update(status=U.RESERVED)
            record_event(use.order, action="part_reserved", actor=actor,
                         data={"part": part.part_number, "quantity": use.quantity,
                               "location": location.code})
            if parts_all_reserved(use.order):
                ready.append(use.order)
    return ready
