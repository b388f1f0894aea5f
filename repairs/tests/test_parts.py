"""Parts: reserved exactly when a repair needs them, consumed when it is done, released when
it ends otherwise; received stock goes to the oldest promise first."""

import datetime

import pytest
from django.utils import timezone

from hotline.tests.factories import CaseFactory, HandsetModelFactory
from repairs.models import PartStock, PartUse, PartUseStatus, RepairOrder
from repairs.selectors import reorder_alerts
from repairs.services import parts as parts_service
from repairs.tests.factories import LocationFactory, quick_fault, stocked_part

U = PartUseStatus
pytestmark = pytest.mark.django_db


def _order(model, *, promised_in_days=3, number="R-1"):
    return RepairOrder.objects.create(
        number=number, kind="mail_in", case=CaseFactory(status="in_service"), model=model,
        imei="490154203237518", fault_code=quick_fault(), status="diagnosing",
        promised_by=timezone.now() + datetime.timedelta(days=promised_in_days),
        street="1 rue", postcode="75002", city="Paris", country="FR")


def _stock(part):
    return PartStock.objects.get(part=part)


def test_a_free_part_is_reserved_at_once():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=2)

    use = parts_service.parts_request(order=_order(model), part=part, quantity=2)

    assert use.status == U.RESERVED
    assert (_stock(part).on_hand, _stock(part).reserved) == (2, 2)


def test_a_part_not_free_is_wanted_and_reserves_nothing():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=1)
    parts_service.parts_request(order=_order(model, number="R-1"), part=part)

    use = parts_service.parts_request(order=_order(model, number="R-2"), part=part)

    assert use.status == U.WANTED
    assert _stock(part).reserved == 1


def test_a_part_that_does_not_fit_the_model_is_refused():
    from hotline.errors import CaseError

    part = stocked_part(HandsetModelFactory(), on_hand=5)

    with pytest.raises(CaseError):
        parts_service.parts_request(order=_order(HandsetModelFactory()), part=part)


def test_consumption_takes_reserved_parts_out_of_stock_exactly():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=3)
    order = _order(model)
    parts_service.parts_request(order=order, part=part, quantity=2)

    consumed = parts_service.parts_consume(order=order)

    assert consumed == 2
    assert (_stock(part).on_hand, _stock(part).reserved) == (1, 0)
    assert PartUse.objects.get(order=order).consumed_at is not None


def test_release_gives_reserved_parts_back_to_free_stock():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=3)
    order = _order(model)
    parts_service.parts_request(order=order, part=part, quantity=2)

    parts_service.parts_release(order=order)

    assert (_stock(part).on_hand, _stock(part).reserved) == (3, 0)
    assert PartUse.objects.get(order=order).status == U.RELEASED


def test_received_stock_serves_the_oldest_promise_first():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=0)
    later = _order(model, promised_in_days=5, number="R-LATE")
    sooner = _order(model, promised_in_days=2, number="R-SOON")
    parts_service.parts_request(order=later, part=part)
    parts_service.parts_request(order=sooner, part=part)

    ready = parts_service.parts_receive(part=part, location=LocationFactory(), quantity=1)

    assert [order.number for order in ready] == ["R-SOON"]
    assert PartUse.objects.get(order=later).status == U.WANTED
    assert (_stock(part).on_hand, _stock(part).reserved) == (1, 1)


def test_a_part_at_or_below_its_reorder_point_raises_an_alert():
    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=3, reorder_point=1)
    parts_service.parts_request(order=_order(model), part=part, quantity=2)

    alerts = list(reorder_alerts())

    assert [row.part for row in alerts] == [part]


def test_the_database_refuses_more_reserved_than_on_hand():
    from django.db import IntegrityError, transaction

    model = HandsetModelFactory()
    part = stocked_part(model, on_hand=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        PartStock.objects.filter(part=part).update(reserved=2)
