"""Carriers on the real PostgreSQL, Redis and a Celery worker: concurrent webhooks store an
event once, concurrent bookings with one key book once, subscribers run on a worker."""

import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from carriers import services
from carriers.domain import CarrierError, CarrierEvent, TrackingStatus
from carriers.models import Shipment, TrackingEvent
from carriers.signing import HEADER, signature_make
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE, ShipmentFactory
from hotline.celery import app as celery_app
from hotline.models import AuditEvent
from hotline.workflow import record_event
from tests.integration.concurrency import run_concurrently
from tests.integration.relay import listening_relay


def subscriber_records(shipment, event):
    record_event(shipment, action="subscriber_saw", actor_label="test", target=event.status)




@pytest.fixture
def sandbox_only(settings):
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "s"}}
    return settings


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_delivered_eight_times_at_once_is_stored_once(sandbox_only):
    shipment = ShipmentFactory(carrier="sandbox", tracking_number="HS1234567897")
    body = json.dumps({"events": [{
        "tracking_number": "HS1234567897", "status": "picked_up", "code": "SB-PU",
        "text": "Picked up", "occurred_at": timezone.now().isoformat(),
        "event_id": "HS1234567897-0"}]}).encode()

    results, errors = run_concurrently(8, lambda i: services.webhook_receive(
        carrier="sandbox", body=body, headers={HEADER: signature_make(secret="s", body=body)}))

    assert errors == []
    assert sum(r.stored for r in results) == 1
    assert sum(r.duplicates for r in results) == 7
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_with_one_key_book_once(sandbox_only):
    def book(_i):
        return services.shipment_book(
            carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
            service="next_day", reference="HL-1", idempotency_key="race-1",
            return_parcels=[FAULTY], return_to=WAREHOUSE)

    results, errors = run_concurrently(6, book)

    assert all(isinstance(e, CarrierError) and not e.permanent for e in errors)
    assert Shipment.objects.filter(booking_key="race-1").count() == 2
    assert len({r.outbound.pk for r in results if r is not None}) == 1


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_tells_subscribers_of_a_status_change(sandbox_only):
    sandbox_only.HOTLINE_CARRIER_SUBSCRIBERS = [
        "tests.integration.test_carriers_concurrency.subscriber_records"]
    shipment = ShipmentFactory(carrier="sandbox", tracking_number="HS1234567897")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10), listening_relay():
        services.tracking_ingest(carrier="sandbox", source="webhook", events=[CarrierEvent(
            tracking_number="HS1234567897", status=TrackingStatus.DELIVERED,
            occurred_at=timezone.now(), raw_code="SB-DLV", raw_text="Delivered")])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if AuditEvent.objects.filter(action="subscriber_saw").exists():
                break
            time.sleep(0.2)

    seen = AuditEvent.objects.get(action="subscriber_saw")
    assert (seen.object_id, seen.target) == (str(shipment.pk), "delivered")
