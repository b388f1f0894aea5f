"""Repair parts on the real PostgreSQL: many repairs asking for the last parts at once get
exactly what is there (reserved under a row lock); consumption and release keep the stock
exact; received stock goes to exactly the waiting repairs it covers."""

import pytest

from hotline.tests.factories import CaseFactory, HandsetModelFactory
from repairs.models import PartStock, PartUse, PartUseStatus, RepairOrder
from repairs.services import parts as parts_service
from repairs.tests.factories import LocationFactory, quick_fault, stocked_part
from tests.integration.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
U = PartUseStatus


def _orders(model, count):
    return [RepairOrder.objects.create(
        number=f"R-PG-{i}", kind="mail_in", case=CaseFactory(status="in_service"), model=model,
        imei="490154203237518", fault_code=quick_fault(), status="diagnosing",
        street="1 rue", postcode="75002", city="Paris", country="FR") for i in range(count)]


def test_ten_repairs_racing_for_three_parts_reserve_exactly_three():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=3)
    orders = _orders(model, 10)

    results, errors = run_concurrently(10, lambda i: parts_service.parts_request(
        order=orders[i], part=part).status)

    stock = PartStock.objects.get(part=part)
    assert errors == []
    assert sorted(results).count(U.RESERVED) == 3 and results.count(U.WANTED) == 7
    assert (stock.on_hand, stock.reserved) == (3, 3)


def test_concurrent_consumption_and_release_leave_the_stock_exact():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=6)
    orders = _orders(model, 6)
    for order in orders:
        parts_service.parts_request(order=order, part=part)

    _results, errors = run_concurrently(6, lambda i: (
        parts_service.parts_consume if i % 2 else parts_service.parts_release)(order=orders[i]))

    stock = PartStock.objects.get(part=part)
    assert errors == []
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert PartUse.objects.filter(status=U.CONSUMED).count() == 3


def test_stock_received_twice_at_once_serves_each_waiting_repair_once():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=0)
    orders = _orders(model, 5)
    for order in orders:
        parts_service.parts_request(order=order, part=part)
    location = LocationFactory()

    _results, errors = run_concurrently(2, lambda i: parts_service.parts_receive(
        part=part, location=location, quantity=2))

    stock = PartStock.objects.get(part=part)
    assert errors == []
    assert (stock.on_hand, stock.reserved) == (4, 4)
    assert PartUse.objects.filter(status=U.RESERVED).count() == 4
