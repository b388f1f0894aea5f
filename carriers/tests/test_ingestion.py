"""Tracking ingestion: each event stored once, statuses only move forward, subscribers told."""

import dataclasses
import datetime
import random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carriers import services
from carriers.domain import CarrierEvent, Direction, FailureReason, TrackingStatus
from carriers.models import Shipment, ShipmentStatus, TrackingEvent
from carriers.subscribers import subscriber as carrier_subscriber
from carriers.tests.factories import ShipmentFactory
from hotline.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db

CALLS = []
T0 = timezone.now()


def record_call(shipment, event):
    CALLS.append((shipment.tracking_number, event.status))


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def event(number, status, minutes, *, code="X", reason="", text="something"):
    return CarrierEvent(tracking_number=number, status=status, raw_code=code, raw_text=text,
                        occurred_at=T0 + datetime.timedelta(minutes=minutes),
                        reason=reason)


def ingest(*events, source="webhook"):
    return services.tracking_ingest(carrier="sandbox", events=list(events), source=source)


def test_an_event_moves_the_shipment_to_its_status():
    shipment = ShipmentFactory()

    result = ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1, code="PU"))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert result.stored == 1 and result.changed == 1
    stored = shipment.events.get()
    assert (stored.raw_code, stored.raw_text, stored.source, stored.applied) == (
        "PU", "something", "webhook", True)


def test_the_same_event_twice_is_stored_once():
    shipment = ShipmentFactory()
    same = event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1)

    ingest(same)
    result = ingest(same, source="poll")

    assert shipment.events.count() == 1
    assert result.duplicates == 1 and result.stored == 0


def test_a_late_in_transit_after_delivered_is_kept_but_does_not_move_the_status_back():
    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.DELIVERED, 60))

    ingest(event(shipment.tracking_number, TrackingStatus.IN_TRANSIT, 30))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    late = shipment.events.get(status=TrackingStatus.IN_TRANSIT)
    assert late.applied is False


def test_an_older_event_arriving_after_a_newer_one_does_not_move_the_status_back():
    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.OUT_FOR_DELIVERY, 60))

    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 10))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY


def test_nothing_moves_a_shipment_returned_to_sender():
    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.RETURNED_TO_SENDER, 10))

    ingest(event(shipment.tracking_number, TrackingStatus.DELIVERED, 60))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED_TO_SENDER


def test_a_redelivery_after_a_failed_attempt_moves_the_status_on():
    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.DELIVERY_FAILED, 10,
                 reason=FailureReason.RECIPIENT_ABSENT))

    ingest(event(shipment.tracking_number, TrackingStatus.OUT_FOR_DELIVERY, 60))

    shipment.refresh_from_db()
    assert (shipment.status, shipment.status_reason) == (ShipmentStatus.OUT_FOR_DELIVERY, "")


def test_a_failed_delivery_keeps_its_reason():
    shipment = ShipmentFactory()

    ingest(event(shipment.tracking_number, TrackingStatus.DELIVERY_FAILED, 10,
                 reason=FailureReason.REFUSED))

    shipment.refresh_from_db()
    assert shipment.status_reason == FailureReason.REFUSED


def test_events_with_the_same_time_never_go_backwards_along_the_journey():
    shipment = ShipmentFactory()
    at = 30
    ingest(event(shipment.tracking_number, TrackingStatus.OUT_FOR_DELIVERY, at, code="WC"))

    ingest(event(shipment.tracking_number, TrackingStatus.IN_TRANSIT, at, code="AR"))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY


def test_an_event_for_an_unknown_tracking_number_is_counted_not_stored():
    result = ingest(event("HS9999999999", TrackingStatus.PICKED_UP, 1))

    assert result.unknown == 1
    assert TrackingEvent.objects.count() == 0


def test_a_status_change_is_audited():
    shipment = ShipmentFactory()

    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1, text="Picked up"))

    audit = AuditEvent.objects.get(action="tracking")
    assert (audit.source, audit.target, audit.reason, audit.actor_label) == (
        "booked", "picked_up", "Picked up", "sandbox")


def test_subscribers_are_told_of_a_status_change_after_commit(
        settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_call"]
    shipment = ShipmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1))
        assert CALLS == []

    assert CALLS == [(shipment.tracking_number, TrackingStatus.PICKED_UP)]


def test_subscribers_are_not_told_of_a_duplicate(settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_call"]
    shipment = ShipmentFactory()
    same = event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1)

    with django_capture_on_commit_callbacks(execute=True):
        ingest(same)
        ingest(same)

    assert len(CALLS) == 1


def test_subscribers_are_not_told_of_a_late_event(settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_call"]
    shipment = ShipmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ingest(event(shipment.tracking_number, TrackingStatus.DELIVERED, 60))
        ingest(event(shipment.tracking_number, TrackingStatus.IN_TRANSIT, 30))

    assert CALLS == [(shipment.tracking_number, TrackingStatus.DELIVERED)]


def test_an_unknown_status_from_an_adapter_is_stored_as_an_exception():
    shipment = ShipmentFactory()

    ingest(event(shipment.tracking_number, "teleported", 1))

    assert shipment.events.get().status == TrackingStatus.EXCEPTION


def test_polling_asks_only_about_open_shipments_quiet_for_a_while(settings, carriers_settings):
    settings.HOTLINE_CARRIER_POLL_AFTER_MINUTES = 60
    old = timezone.now() - datetime.timedelta(hours=3)
    quiet = ShipmentFactory(carrier="mydhl", tracking_number="2345678915", booked_at=old,
                            last_event_at=old)
    ShipmentFactory(carrier="mydhl", tracking_number="2345678926", booked_at=old,
                    last_event_at=timezone.now())
    ShipmentFactory(carrier="mydhl", tracking_number="2345678930", booked_at=old,
                    last_event_at=old, status=ShipmentStatus.DELIVERED)
    fake = carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"]["base_url"]
    assert fake

    services.shipments_poll()

    quiet.refresh_from_db()
    assert quiet.last_polled_at is not None
    from carriers.models import Shipment
    assert Shipment.objects.filter(last_polled_at__isnull=False).count() == 1


def test_polling_stores_new_events_as_polled(carriers_settings, fake_mydhl, settings):
    settings.HOTLINE_CARRIER_POLL_AFTER_MINUTES = 60
    old = timezone.now() - datetime.timedelta(hours=3)
    shipment = ShipmentFactory(carrier="mydhl", tracking_number="2345678915", booked_at=old,
                               status_at=old)
    fake_mydhl.add_events("2345678915", [{"date": timezone.localdate().isoformat(),
                                          "time": "00:00:01", "typeCode": "PU",
                                          "description": "Shipment picked up"}])

    result = services.shipments_poll()

    assert result.stored == 1
    assert shipment.events.get().source == TrackingEvent.Source.POLL


def test_the_couriers_first_news_applies_even_if_its_clock_is_behind_ours():
    shipment = ShipmentFactory(status_at=T0 + datetime.timedelta(minutes=5))

    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 4))

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP


def test_the_same_moment_written_in_two_time_zones_is_one_event():
    shipment = ShipmentFactory()
    utc = event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1)
    paris = CarrierEvent(**{**utc.__dict__, "occurred_at": utc.occurred_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=1)))})

    ingest(utc)
    result = ingest(paris)

    assert result.duplicates == 1


def test_polling_gives_up_on_shipments_booked_long_ago(settings, carriers_settings):
    settings.HOTLINE_CARRIER_POLL_MAX_AGE_DAYS = 30
    ancient = timezone.now() - datetime.timedelta(days=40)
    shipment = ShipmentFactory(carrier="mydhl", tracking_number="2345678915", booked_at=ancient,
                               last_event_at=ancient)

    services.shipments_poll()

    shipment.refresh_from_db()
    assert shipment.last_polled_at is None


def test_a_parcel_picked_up_before_its_planned_day_shipped_that_day():
    shipment = ShipmentFactory(ship_date=timezone.localdate(T0) + datetime.timedelta(days=2))

    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 5))

    shipment.refresh_from_db()
    assert shipment.ship_date == timezone.localdate(T0 + datetime.timedelta(minutes=5))


def test_a_booking_scan_does_not_move_the_ship_date():
    planned = timezone.localdate(T0) + datetime.timedelta(days=2)
    shipment = ShipmentFactory(ship_date=planned)

    ingest(event(shipment.tracking_number, TrackingStatus.BOOKED, 5))

    shipment.refresh_from_db()
    assert shipment.ship_date == planned


# --- batches (issue 18: one webhook body, a few statements whatever its size) ---------------
def only_odd_shipments(ids):
    return {pk for pk in ids if pk % 2}


record_odd = carrier_subscriber(relevant=only_odd_shipments)(
    lambda shipment, event: CALLS.append(("odd", shipment.tracking_number, event.status)))


def _timeline(number, *, shuffle_seed=None):
    steps = [TrackingStatus.PICKED_UP, TrackingStatus.IN_TRANSIT, TrackingStatus.DELIVERY_FAILED,
             TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED, TrackingStatus.IN_TRANSIT]
    events = [event(number, status, minutes * 10, code=f"C{minutes}",
                    reason=FailureReason.RECIPIENT_ABSENT
                    if status == TrackingStatus.DELIVERY_FAILED else "")
              for minutes, status in enumerate(steps, start=1)]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(events)
    return events


def test_a_batch_costs_the_same_statements_for_5_events_as_for_50(settings):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = []
    few = ShipmentFactory()
    many = [ShipmentFactory() for _ in range(10)]

    with CaptureQueriesContext(connection) as small:
        ingest(*_timeline(few.tracking_number)[:5])
    with CaptureQueriesContext(connection) as large:
        ingest(*[e for s in many for e in _timeline(s.tracking_number)[:5]])

    assert TrackingEvent.objects.count() == 55
    assert len(large.captured_queries) <= len(small.captured_queries) + 1  # bulk_update's


# On PostgreSQL a batch's writes are sent together, in one round trip (hotline.rawsql).
HELD = connection.vendor == "postgresql"


def test_a_webhook_of_new_events_costs_two_round_trips_with_every_app_subscribed(
        django_assert_num_queries):
    shipment = ShipmentFactory()
    ContentType.objects.get_for_model(Shipment)  # cached for the process after its first use

    # The look-up (locked; the stored events and the apps' subscribers' interest folded in,
    # and on PostgreSQL the new rows' keys taken), then the events' INSERT, the shipment's
    # UPDATE and the audit rows' INSERT: one text on PostgreSQL, three statements elsewhere.
    # The savepoint pair is the test's transaction (a webhook's own BEGIN and COMMIT else).
    with django_assert_num_queries(2 + (2 if HELD else 4)):
        result = ingest(*_timeline(shipment.tracking_number)[:5])

    assert (result.stored, result.changed) == (5, 5)
    assert list(TrackingEvent.objects.filter(shipment=shipment).order_by("pk")
                .values_list("status", flat=True)) == [e.status for e in
                                                       _timeline(shipment.tracking_number)[:5]]
    assert AuditEvent.objects.filter(action="tracking", object_id=str(shipment.pk)).count() == 5
    shipment.refresh_from_db()
    assert shipment.status == _timeline(shipment.tracking_number)[4].status


def test_a_webhook_sent_again_costs_one_statement(django_assert_num_queries):
    shipment = ShipmentFactory()
    ingest(*_timeline(shipment.tracking_number)[:5])

    # The look-up, which lists those stored (on PostgreSQL; elsewhere it says some are, and
    # a second look-up says which).
    with django_assert_num_queries(2 + (1 if HELD else 2)):
        result = ingest(*_timeline(shipment.tracking_number)[:5])

    assert (result.stored, result.duplicates) == (0, 5)


def test_a_batch_of_some_new_and_some_stored_events_stores_only_the_new(
        django_assert_num_queries):
    shipment = ShipmentFactory()
    timeline = _timeline(shipment.tracking_number)
    ingest(*timeline[:2])

    result = ingest(*timeline[:5])

    assert (result.stored, result.duplicates) == (3, 2)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 5


def returns_only(shipment):
    return Exists(Shipment.objects.filter(pk=shipment, direction=Direction.RETURN))


record_return = carrier_subscriber(exists=returns_only)(
    lambda shipment, event: CALLS.append(("return", shipment.tracking_number, event.status)))
record_return_too = carrier_subscriber(exists=returns_only)(
    lambda shipment, event: CALLS.append(("too", shipment.tracking_number, event.status)))


def test_subscribers_that_name_their_parcels_by_an_expression_are_told_only_of_them(
        settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_return",
                                            "carriers.tests.test_ingestion.record_return_too"]
    outbound = ShipmentFactory()
    collection = ShipmentFactory(direction=Direction.RETURN)

    with django_capture_on_commit_callbacks(execute=True):
        ingest(event(outbound.tracking_number, TrackingStatus.PICKED_UP, 1),
               event(collection.tracking_number, TrackingStatus.PICKED_UP, 1))
        ingest(event(outbound.tracking_number, TrackingStatus.IN_TRANSIT, 2))

    assert sorted(CALLS) == [("return", collection.tracking_number, TrackingStatus.PICKED_UP),
                             ("too", collection.tracking_number, TrackingStatus.PICKED_UP)]
    # Both told of the same changes: one message for the two.
    message = OutboxMessage.objects.get(task="carriers.tasks.shipment_notify")
    assert message.kwargs["subscribers"] == ["carriers.tests.test_ingestion.record_return",
                                             "carriers.tests.test_ingestion.record_return_too"]


def test_a_subscriber_names_its_parcels_one_way():
    with pytest.raises(TypeError):
        carrier_subscriber(exists=returns_only, relevant=only_odd_shipments)
    with pytest.raises(TypeError):
        carrier_subscriber()


def test_a_shuffled_batch_is_judged_event_by_event_as_if_sent_one_at_a_time():
    batched, one_by_one = ShipmentFactory(), ShipmentFactory()

    for seed in range(5):
        ingest(*[dataclasses.replace(e, tracking_number=batched.tracking_number)
                 for e in _timeline("x", shuffle_seed=seed)])
        for single in _timeline(one_by_one.tracking_number, shuffle_seed=seed):
            ingest(single)

    batched.refresh_from_db()
    one_by_one.refresh_from_db()
    assert (batched.status, batched.status_reason, batched.status_at) == (
        one_by_one.status, one_by_one.status_reason, one_by_one.status_at)
    assert list(batched.events.values_list("raw_code", "applied")) == \
        list(one_by_one.events.values_list("raw_code", "applied"))
    assert AuditEvent.objects.filter(object_id=str(batched.pk), action="tracking").count() == \
        AuditEvent.objects.filter(object_id=str(one_by_one.pk), action="tracking").count()


def test_duplicates_inside_one_batch_are_stored_once():
    shipment = ShipmentFactory()
    same = event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1)

    result = ingest(same, same, event("NOBODY", TrackingStatus.PICKED_UP, 1))

    assert (result.received, result.stored, result.duplicates, result.unknown) == (3, 1, 1, 1)
    assert shipment.events.count() == 1


def test_a_subscriber_gets_one_message_per_batch_with_its_changes_in_order(
        settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_call"]
    first, second = ShipmentFactory(), ShipmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ingest(event(first.tracking_number, TrackingStatus.PICKED_UP, 1),
               event(second.tracking_number, TrackingStatus.PICKED_UP, 2),
               event(first.tracking_number, TrackingStatus.IN_TRANSIT, 3))

    messages = OutboxMessage.objects.filter(task="carriers.tasks.shipment_notify",
                                            kwargs__subscriber="carriers.tests.test_ingestion."
                                                               "record_call")
    assert messages.count() == 1
    assert CALLS == [(first.tracking_number, TrackingStatus.PICKED_UP),
                     (second.tracking_number, TrackingStatus.PICKED_UP),
                     (first.tracking_number, TrackingStatus.IN_TRANSIT)]


def test_a_subscriber_that_names_its_parcels_is_told_only_of_them(
        settings, django_capture_on_commit_callbacks):
    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_odd"]
    shipments = [ShipmentFactory() for _ in range(4)]
    odd = [s for s in shipments if s.pk % 2]

    with django_capture_on_commit_callbacks(execute=True):
        ingest(*[event(s.tracking_number, TrackingStatus.PICKED_UP, 1) for s in shipments])
        ingest(*[event(s.tracking_number, TrackingStatus.PICKED_UP, 1) for s in shipments
                 if not s.pk % 2])

    assert sorted(CALLS) == sorted(("odd", s.tracking_number, TrackingStatus.PICKED_UP)
                                   for s in odd)
    assert OutboxMessage.objects.filter(kwargs__subscriber__endswith="record_odd").count() == 1


def test_a_message_queued_before_batches_still_reaches_its_subscriber():
    from carriers.tasks import shipment_notify

    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1))
    row = shipment.events.get()

    shipment_notify.run(event_id=row.pk, subscriber="carriers.tests.test_ingestion.record_call")

    assert CALLS == [(shipment.tracking_number, TrackingStatus.PICKED_UP)]


def test_with_a_broker_a_swaps_parcel_costs_no_more_round_trips_and_nothing_after_commit(
        settings, django_capture_on_commit_callbacks, django_assert_num_queries):
    from unittest import mock

    from carriers.tasks import shipment_notify
    from hotline.celery import app as celery_app
    from hotline.outbox import outbox_relay

    settings.HOTLINE_CARRIER_SUBSCRIBERS = ["carriers.tests.test_ingestion.record_return",
                                            "carriers.tests.test_ingestion.record_return_too"]
    collection = ShipmentFactory(direction=Direction.RETURN)  # both subscribers want it
    ContentType.objects.get_for_model(Shipment)
    sent = []
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        with mock.patch.object(shipment_notify, "apply_async",
                               side_effect=lambda **kwargs: sent.append(kwargs)):
            with django_capture_on_commit_callbacks() as callbacks:
                # The look-up, then the writes with the message's INSERT last (and, on
                # PostgreSQL, the NOTIFY that wakes the relay): one text on PostgreSQL, five
                # statements elsewhere (savepoint pair: the test's).
                with django_assert_num_queries(2 + (2 if HELD else 5)):
                    ingest(*_timeline(collection.tracking_number)[:5])
            assert callbacks == []  # the relay sends it, not this process
            assert sent == []
            assert outbox_relay() == 1
    finally:
        celery_app.conf.task_always_eager = eager

    # One message, one send, for the two subscribers told of the same changes.
    assert [kwargs["kwargs"]["subscribers"] for kwargs in sent] == [[
        "carriers.tests.test_ingestion.record_return",
        "carriers.tests.test_ingestion.record_return_too"]]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def refuse(shipment, event):
    raise RuntimeError("subscriber down")


def test_a_failing_subscriber_keeps_no_other_from_its_calls_and_only_it_is_retried(
        monkeypatch):
    from celery.exceptions import Retry

    from carriers.tasks import shipment_notify

    shipment = ShipmentFactory()
    ingest(event(shipment.tracking_number, TrackingStatus.PICKED_UP, 1))
    row = shipment.events.get()
    retried = {}

    def retry(*, exc, countdown, kwargs=None):
        retried.update(kwargs=kwargs, exc=exc)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(shipment_notify, "retry", retry)
    with pytest.raises(Retry):
        shipment_notify.run(event_ids=[row.pk], subscribers=[
            "carriers.tests.test_ingestion.refuse", "carriers.tests.test_ingestion.record_call"])

    assert CALLS == [(shipment.tracking_number, TrackingStatus.PICKED_UP)]
    assert retried["kwargs"] == {"subscribers": ["carriers.tests.test_ingestion.refuse"],
                                 "event_ids": [row.pk], "event_id": None}
    assert "subscriber down" in str(retried["exc"])
