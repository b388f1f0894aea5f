"""The sandbox courier: deterministic numbers, scenarios over simulated time, pushed as
webhooks through the ingestion path."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from carriers import services
from carriers.domain import BookingRequest, CarrierError, FailureReason, TrackingStatus
from carriers.models import SandboxParcel, ShipmentStatus, TrackingEvent
from carriers.registry import carrier_get
from carriers.sandbox import OUTBOUND, SCENARIOS, SandboxCarrier
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(carriers_settings):
    return carrier_get("sandbox")


def book(key="swap-1", scenario="normal", **extra):
    return services.shipment_book(
        carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
        service="next_day", reference="HL-1", idempotency_key=key, return_parcels=[FAULTY],
        return_to=WAREHOUSE, options={"scenario": scenario, **extra})


def later(hours):
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False)


def test_tracking_numbers_carry_a_valid_luhn_check_digit(sandbox):
    numbers = [SandboxCarrier.tracking_number_for(f"key-{i}", "outbound") for i in range(50)]

    assert all(sandbox.tracking_number_is_valid(n) for n in numbers)
    assert len(set(numbers)) == 50


def test_a_number_with_a_wrong_check_digit_is_invalid(sandbox):
    number = SandboxCarrier.tracking_number_for("key", "outbound")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)

    assert not sandbox.tracking_number_is_valid(wrong)


def test_the_same_booking_key_gives_the_same_parcel(sandbox):
    request = BookingRequest(sender=WAREHOUSE, recipient=CUSTOMER, parcels=(HANDSET,),
                             service="next_day", reference="r", idempotency_key="same",
                             ship_date=timezone.localdate())

    first, second = sandbox.book(request), sandbox.book(request)

    assert first.outbound.tracking_number == second.outbound.tracking_number
    assert SandboxParcel.objects.count() == 1


def test_a_normal_parcel_is_delivered_the_next_day(sandbox):
    result = book(scenario="normal")

    with later(24):
        services.sandbox_advance()

    result.outbound.refresh_from_db()
    assert result.outbound.status == ShipmentStatus.DELIVERED


def test_events_are_released_only_when_due(sandbox):
    result = book(scenario="normal")

    with later(4):
        services.sandbox_advance()

    result.outbound.refresh_from_db()
    assert result.outbound.status == ShipmentStatus.PICKED_UP


def test_released_events_arrive_through_the_webhook_path(sandbox):
    result = book(scenario="normal")

    with later(24):
        services.sandbox_advance()

    sources = set(result.outbound.events.exclude(source="booking").values_list("source",
                                                                                flat=True))
    assert sources == {TrackingEvent.Source.WEBHOOK}


def test_advancing_twice_releases_nothing_new(sandbox):
    book(scenario="normal")
    with later(24):
        services.sandbox_advance()

    with later(24):
        again = services.sandbox_advance()

    assert again.received == 0


def test_the_faulty_unit_is_collected_in_the_same_visit(sandbox):
    result = book(scenario="normal")

    with later(24):
        services.sandbox_advance()

    result.collection.refresh_from_db()
    assert result.collection.status == ShipmentStatus.PICKED_UP


@pytest.mark.parametrize(("scenario", "hours", "status", "reason"), [
    ("recipient_absent", 22.5, ShipmentStatus.DELIVERY_FAILED, FailureReason.RECIPIENT_ABSENT),
    ("recipient_absent", 47, ShipmentStatus.DELIVERED, ""),
    ("depot_hold", 21, ShipmentStatus.HELD_AT_DEPOT, ""),
    ("return_to_sender", 73, ShipmentStatus.RETURNED_TO_SENDER, ""),
    ("lost", 97, ShipmentStatus.LOST, ""),
    ("damaged", 21.5, ShipmentStatus.DELIVERY_FAILED, FailureReason.DAMAGED),
    ("refused", 22.5, ShipmentStatus.DELIVERY_FAILED, FailureReason.REFUSED),
    ("late", 24, ShipmentStatus.IN_TRANSIT, ""),
    ("late", 48, ShipmentStatus.DELIVERED, ""),
])
def test_each_scenario_tells_its_story(sandbox, scenario, hours, status, reason):
    result = book(scenario=scenario)

    with later(hours):
        services.sandbox_advance()

    result.outbound.refresh_from_db()
    assert (result.outbound.status, result.outbound.status_reason) == (status, reason)


def test_every_scenario_uses_only_the_closed_vocabulary():
    statuses = {step.status for steps in OUTBOUND.values() for step in steps}

    assert statuses <= set(TrackingStatus.values)
    assert set(OUTBOUND) == set(SCENARIOS)


def test_an_unknown_scenario_is_refused(sandbox):
    with pytest.raises(CarrierError, match="Unknown sandbox scenario"):
        book(scenario="abducted")


def test_a_seeded_mix_chooses_the_same_scenarios_every_time(carriers_settings):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "sandbox": {"seed": "s1", "mix": "normal=1,lost=1,late=1"}}
    adapter = carrier_get("sandbox")
    requests = [BookingRequest(sender=WAREHOUSE, recipient=CUSTOMER, parcels=(HANDSET,),
                               service="next_day", reference="r", idempotency_key=f"k{i}",
                               ship_date=timezone.localdate()) for i in range(30)]

    first = [adapter.scenario_for(r) for r in requests]
    second = [adapter.scenario_for(r) for r in requests]

    assert first == second
    assert set(first) == {"normal", "lost", "late"}


def test_a_cancelled_parcel_tells_no_more_story(sandbox):
    result = book(scenario="normal")

    services.shipment_cancel(shipment=result.outbound, reason="customer fixed it")
    with later(24):
        services.sandbox_advance()

    result.outbound.refresh_from_db()
    assert result.outbound.status == ShipmentStatus.CANCELLED
    assert not result.outbound.events.exclude(source="booking").exists()


def test_a_parcel_already_picked_up_cannot_be_cancelled(sandbox):
    result = book(scenario="normal")

    with later(4), pytest.raises(CarrierError, match="already been picked up"):
        sandbox.cancel(tracking_number=result.outbound.tracking_number)


def test_polling_the_sandbox_returns_only_events_already_due(sandbox):
    result = book(scenario="normal")

    with later(7):
        events = sandbox.track([result.outbound.tracking_number])

    assert [e.status for e in events] == [TrackingStatus.PICKED_UP, TrackingStatus.IN_TRANSIT]


def test_overlapping_advances_never_skip_an_event(sandbox):
    result = book(scenario="normal")
    adapter = carrier_get("sandbox")
    with later(7):
        first_run = adapter.due_webhooks(until=timezone.now())
        second_run = adapter.due_webhooks(until=timezone.now())
        services.sandbox_push(first_run)
        services.sandbox_push(second_run)

    with later(24):
        services.sandbox_advance()

    result.outbound.refresh_from_db()
    assert result.outbound.status == ShipmentStatus.DELIVERED
    assert result.outbound.events.exclude(source="booking").count() == 5
