"""Swap stage 2, booking the courier through the outbox: broker or courier down, refusals,
repeated messages, the customer's tracking link."""

import datetime

import pytest

from carriers.domain import CarrierError
from carriers.models import Shipment
from exchanges.swaps import services as swaps_service
from exchanges.swaps.selectors import swaps_exceptions
from exchanges.tests.swapkit import booked_swap, courier_raises
from hotline.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


def test_a_booking_while_the_broker_is_down_waits_and_is_made_exactly_once(
        run, _frozen, monkeypatch):
    from hotline.celery import app as celery_app
    from hotline.outbox import outbox_relay

    task = celery_app.tasks["exchanges.tasks.swap_book"]
    real = task.apply_async

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(task, "apply_async", broker_down)
    swap = booked_swap(run)
    assert swap.status == "reserved"
    monkeypatch.setattr(task, "apply_async", real)
    _frozen.shift(datetime.timedelta(minutes=11))

    run(outbox_relay)
    run(outbox_relay)

    swap.refresh_from_db()
    assert swap.status == "booked"
    assert Shipment.objects.filter(reference=swap.case.number).count() == 2
    assert OutboxMessage.objects.filter(idempotency_key=f"swap-book-{swap.pk}-1").count() == 1


def test_a_booking_while_the_courier_is_down_is_retried_with_the_same_key(run, monkeypatch):
    from carriers.sandbox import SandboxCarrier

    real, calls = SandboxCarrier.book, []

    def flaky(self, request):
        calls.append(request.idempotency_key)
        if len(calls) == 1:
            raise CarrierError("courier timeout", permanent=False)
        return real(self, request)

    monkeypatch.setattr(SandboxCarrier, "book", flaky)

    swap = booked_swap(run)

    assert swap.status == "booked"
    assert calls == [f"swap-book-{swap.pk}-1"] * 2


def test_a_booking_the_courier_refuses_stays_in_the_queue_with_its_message(run, monkeypatch):
    courier_raises(monkeypatch, CarrierError("Postcode 75002 unknown", permanent=True))

    swap = booked_swap(run)

    assert swap.status == "reserved"
    assert swap.booking_error == "Postcode 75002 unknown"
    assert swap in swaps_exceptions()


def test_repeating_a_booking_message_books_nothing_more(run):
    swap = booked_swap(run)

    swaps_service.swap_book_run(swap_id=swap.pk, attempt=1)

    assert Shipment.objects.filter(reference=swap.case.number).count() == 2


def test_a_courier_down_through_every_retry_leaves_the_swap_in_the_queue(run, monkeypatch):
    courier_raises(monkeypatch, CarrierError("courier timeout", permanent=False))

    swap = booked_swap(run)

    assert swap.status == "reserved"
    assert "courier timeout" in swap.booking_error
    assert swap in swaps_exceptions()


def test_the_customer_gets_the_carriers_own_tracking_page_never_a_made_up_link(settings):
    from carriers.models import Shipment
    from exchanges.swaps.services import tracking_url

    settings.SWAP_TRACKING_URL = ""
    dhl = Shipment(carrier="mydhl", tracking_number="1234567890")
    sandbox = Shipment(carrier="sandbox", tracking_number="HS1234567890")
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier", "carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {}, "mydhl": {
        "base_url": "http://127.0.0.1:9", "api_key": "k", "api_secret": "s", "account": "1"}}

    assert tracking_url(dhl).startswith("https://www.dhl.com/")
    assert "1234567890" in tracking_url(dhl)
    assert tracking_url(sandbox) == "Sandbox courier HS1234567890"


def test_a_configured_tracking_page_is_used_for_every_carrier(settings):
    from carriers.models import Shipment
    from exchanges.swaps.services import tracking_url

    settings.SWAP_TRACKING_URL = "https://track.example.com/{carrier}/{tracking_number}"

    assert tracking_url(Shipment(carrier="sandbox", tracking_number="HS1")) == (
        "https://track.example.com/sandbox/HS1")


@pytest.mark.parametrize("booked_at, ships_on", [
    (datetime.datetime(2026, 12, 5, 11, 0), datetime.date(2026, 12, 7)),  # a Saturday
    (datetime.datetime(2026, 12, 6, 11, 0), datetime.date(2026, 12, 7)),  # a Sunday
    (datetime.datetime(2026, 12, 4, 18, 0), datetime.date(2026, 12, 7)),  # Friday after the cut-off
    (datetime.datetime(2026, 12, 7, 10, 0), datetime.date(2026, 12, 7)),  # Monday before it
])
def test_the_shipment_leaves_on_the_promise_s_working_day(run, _frozen, booked_at, ships_on):
    from exchanges.tests.swapkit import PARIS

    _frozen.move_to(booked_at.replace(tzinfo=PARIS))

    swap = booked_swap(run)

    assert swap.outbound.ship_date == ships_on
    assert swap.outbound.ship_date.weekday() < 5
    assert swap.promised_by.date() > swap.outbound.ship_date


def test_ordering_a_swap_tells_each_milestone_once_with_the_date_and_the_tracking_link(run):
    from collections import Counter

    from exchanges.decisions.fulfilment import service_order_create
    from exchanges.tests.factories import swap_case
    from hotline.models import Notification
    from hotline.notifications import notification_render

    case, decision = swap_case()
    case.customer.language = "fr"
    case.customer.save(update_fields=["language"])

    swap = run(service_order_create, case=case, decision=decision)

    sent = Counter((n.template, n.channel) for n in Notification.objects.filter(case=case))
    assert sent == Counter({("swap_booked", "email"): 1, ("swap_booked", "sms"): 1})
    sms = notification_render(notification=Notification.objects.get(
        case=case, template="swap_booked", channel="sms"))["body"]
    swap.refresh_from_db()
    assert "/track/" in sms
    assert "mardi 8 décembre 2026 12:00" in sms
    assert "199,00 EUR" in sms  # the unreturned device charge's terms, stated once, in French
