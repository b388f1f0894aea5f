"""Swap exceptions an operator works: failed delivery, depot hold, return to sender, loss,
lateness, another address before pickup, the case cancelled."""

import datetime

import pytest

from carriers.domain import CarrierError
from exchanges.models import ReplacementUnit
from exchanges.swaps import services as swaps_service
from exchanges.swaps.selectors import swap_measures, swaps_exceptions
from exchanges.tests.swapkit import booked_swap, courier_says
from hotline.models import Notification

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


def test_a_failed_delivery_enters_the_queue_and_is_rebooked_to_another_address(run, operator):
    swap = booked_swap(run)
    first = swap.outbound
    courier_says(run, first, "delivery_failed", reason="recipient_absent")
    swap.refresh_from_db()
    assert swap.status == "delivery_failed"
    assert swap in swaps_exceptions()

    run(swaps_service.swap_book, swap=swap, actor=operator, reason="customer at work",
        recipient={"street": "5 avenue du Travail", "postcode": "92100",
                   "city": "Boulogne", "recipient_phone": "+33612345678"})

    swap.refresh_from_db()
    assert (swap.status, swap.booking_attempt, swap.postcode) == ("booked", 2, "92100")
    assert swap.outbound != first
    assert swap.outbound.recipient["phone"] == "+33612345678"


def test_a_parcel_held_at_a_depot_tells_the_customer_where_until_when_and_reminds(
        run, _frozen, settings):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot", location="Relais Gare du Nord")
    swap.refresh_from_db()
    assert swap.status == "held_at_depot"
    held = Notification.objects.get(case=swap.case, template="swap_held", channel="email")
    assert held.context["location"] == "Relais Gare du Nord"

    _frozen.shift(datetime.timedelta(days=settings.SWAP_DEPOT_HOLD_DAYS - 1))
    counts = run(swaps_service.swaps_remind)

    assert counts["hold_reminders"] == 1
    assert Notification.objects.filter(case=swap.case, template="swap_held_reminder").exists()


def test_a_parcel_returned_to_sender_can_be_cancelled_with_the_unit_back_in_stock(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "returned_to_sender")
    swap.refresh_from_db()
    unit = swap.unit

    run(swaps_service.swap_cancel, swap=swap, actor=operator, reason="customer withdrew")

    swap.refresh_from_db()
    unit.refresh_from_db()
    assert (swap.status, swap.unit, unit.status) == ("cancelled", None, "available")


def test_a_lost_parcel_is_reshipped_at_once_with_another_unit(run, operator):
    swap = booked_swap(run, stock=2)
    lost_unit = swap.unit
    courier_says(run, swap.outbound, "lost")
    swap.refresh_from_db()
    assert swap.status == "lost"

    run(swaps_service.swap_reship, swap=swap, actor=operator)

    swap.refresh_from_db()
    lost_unit.refresh_from_db()
    assert swap.status == "booked"
    assert swap.unit != lost_unit
    assert lost_unit.status == "lost"


def test_a_lost_parcel_is_refunded_when_the_customer_chooses_it(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "lost")
    swap.refresh_from_db()

    run(swaps_service.swap_refund, swap=swap, actor=operator, reason="customer's choice")

    swap.refresh_from_db()
    assert swap.status == "closed" and swap.refunded_at is not None
    assert swap.case.status == "resolved"


def test_a_swap_not_delivered_by_its_promise_is_late_in_the_queue(run, _frozen):
    swap = booked_swap(run)

    _frozen.shift(datetime.timedelta(days=2))

    assert list(swaps_exceptions()) == [swap]
    assert swap_measures()["late"] == 1


def test_the_address_changed_before_pickup_rebooks_the_same_visit_elsewhere(run, operator):
    swap = booked_swap(run)
    first = swap.outbound

    run(swaps_service.swap_book, swap=swap, actor=operator, reason="customer at the office",
        recipient={"street": "1 place de la Défense", "postcode": "92400", "city": "Courbevoie",
                   "access_notes": "Reception, 3rd floor", "recipient_phone": "+33611223344"})

    swap.refresh_from_db()
    first.refresh_from_db()
    assert (swap.status, swap.postcode, swap.booking_attempt) == ("booked", "92400", 2)
    assert swap.outbound.recipient["notes"] == "Reception, 3rd floor"
    assert first.status == "cancelled"


def test_cancelling_the_case_cancels_its_reserved_swap_and_frees_the_unit(run, supervisor,
                                                                         monkeypatch):
    from carriers.sandbox import SandboxCarrier
    from hotline.services import case_cancel

    monkeypatch.setattr(SandboxCarrier, "book", lambda self, request: (_ for _ in ()).throw(
        CarrierError("down", permanent=True)))
    swap = booked_swap(run)

    run(case_cancel, case=swap.case, reason="customer found the old phone", actor=supervisor)

    swap.refresh_from_db()
    assert swap.status == "cancelled"
    assert ReplacementUnit.objects.get().status == "available"


def test_a_case_whose_replacement_is_with_the_courier_is_not_cancelled(run, supervisor):
    from hotline.errors import IllegalTransition
    from hotline.services import case_cancel

    swap = booked_swap(run)

    # Refused by the case's own condition (exchanges.guards), which also hides the button.
    with pytest.raises(IllegalTransition, match="already"):
        case_cancel(case=swap.case, reason="changed mind", actor=supervisor)

    swap.case.refresh_from_db()
    assert swap.case.status == "in_service"


def test_a_depot_hold_is_reminded_once_however_often_the_beat_runs(run, _frozen, settings):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot")
    _frozen.shift(datetime.timedelta(days=settings.SWAP_DEPOT_HOLD_DAYS - 1))

    run(swaps_service.swaps_remind)
    run(swaps_service.swaps_remind)

    assert Notification.objects.filter(case=swap.case, template="swap_held_reminder",
                                       channel="sms").count() == 1


def test_a_hold_that_ends_sends_the_parcel_back_and_the_swap_waits_for_a_decision(run, _frozen):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot")

    courier_says(run, swap.outbound, "returned_to_sender", hours=24 * 8)

    swap.refresh_from_db()
    assert swap.status == "returned_to_sender"
    assert swap.unit.status == "reserved"
    assert swap in swaps_exceptions()
