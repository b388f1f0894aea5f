"""Swap stage 4, the faulty unit: collected, reminded, charged as stated, inspected (IMEI
checked, repair or quarantine stock)."""

import datetime
from decimal import Decimal

import pytest

from carriers.models import Shipment
from exchanges.models import Swap, SwapInspection
from exchanges.swaps import services as swaps_service
from exchanges.tests.factories import (
    StockUnitFactory,
    SwapFactory,
    WarehouseFactory,
    unit_imei,
)
from exchanges.tests.swapkit import MONDAY_10AM, booked_swap, courier_says
from hotline.models import AuditEvent, Notification

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


def returned_swap():
    """A swap whose faulty unit reached the repair centre (the courier legs are not rerun)."""
    return SwapFactory(status="return_received", unit=StockUnitFactory(),
                       warehouse=WarehouseFactory())


def test_a_faulty_unit_not_returned_gets_reminders_then_the_stated_charge(
        run, _frozen, settings):
    settings.SWAP_REMINDER_DAYS = [3, 7]
    settings.SWAP_CHARGE_AFTER_DAYS = 10
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    sent = []

    for day in (3, 4, 7, 10):
        _frozen.move_to(MONDAY_10AM + datetime.timedelta(days=day, hours=2))
        run(swaps_service.swaps_remind)
        swap.refresh_from_db()
        sent.append((swap.status, swap.reminders_sent))

    assert sent == [("faulty_not_returned", 1), ("faulty_not_returned", 1),
                    ("faulty_not_returned", 2), ("closed", 2)]
    assert swap.charge_amount == Decimal("199.00")
    assert Notification.objects.filter(case=swap.case, template="swap_charged").exists()


def test_no_charge_is_made_when_the_confirmation_never_stated_it(run, _frozen, settings):
    settings.SWAP_RETURN_GRACE_DAYS = 1
    settings.SWAP_REMINDER_DAYS = [1]
    settings.SWAP_CHARGE_AFTER_DAYS = 2
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    Swap.objects.filter(pk=swap.pk).update(unreturned_charge=None)

    for day in (1, 2, 3):
        _frozen.move_to(MONDAY_10AM + datetime.timedelta(days=day, hours=5))
        run(swaps_service.swaps_remind)

    swap.refresh_from_db()
    assert swap.status == "faulty_not_returned"
    assert AuditEvent.objects.filter(action="swap_charge_refused", case=swap.case).exists()


def test_a_returned_unit_with_another_imei_is_flagged_and_quarantined(run, operator):
    swap = returned_swap()
    stranger = unit_imei(swap.model)

    inspection = run(swaps_service.swap_inspect, swap=swap, actor=operator,
                     received_imei=stranger, outcome="no_fault_found")

    assert inspection.imei_matches is False
    assert inspection.unit.status == "quarantined"
    assert AuditEvent.objects.filter(action="returned_imei_mismatch", case=swap.case).exists()


def test_a_confirmed_fault_needs_its_fault_code(run, operator):
    from exchanges.errors import SwapError

    swap = returned_swap()

    with pytest.raises(SwapError):
        swaps_service.swap_inspect(swap=swap, actor=operator,
                                   received_imei=swap.case.handset.imei,
                                   outcome="fault_confirmed")
    assert not SwapInspection.objects.exists()


def test_a_faulty_unit_not_handed_over_is_collected_alone_and_its_return_tracked(
        run, _frozen, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    courier_says(run, swap.collection, "exception", hours=2)
    _frozen.shift(datetime.timedelta(days=4))
    run(swaps_service.swaps_remind)
    swap.refresh_from_db()
    assert swap.status == "faulty_not_returned"
    first = swap.collection

    run(swaps_service.swap_collection_book, swap=swap, actor=operator)
    run(swaps_service.swap_collection_book, swap=swap, actor=operator)  # a double click
    swap.refresh_from_db()
    courier_says(run, swap.collection, "picked_up")

    swap.refresh_from_db()
    assert swap.collection != first
    assert swap.status == "return_in_transit"
    assert Shipment.objects.filter(booking_key__startswith=f"swap-return-{swap.pk}-").count() == 1


def test_an_earlier_replacement_coming_back_goes_to_repair_stock(run, operator):
    swap = returned_swap()
    known = StockUnitFactory(model=swap.model, status="shipped", imei=swap.case.handset.imei)

    inspection = run(swaps_service.swap_inspect, swap=swap, actor=operator,
                     received_imei=swap.case.handset.imei, outcome="no_fault_found")

    known.refresh_from_db()
    assert inspection.unit == known
    assert known.status == "returned"
