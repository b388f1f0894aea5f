"""The beat tasks and the subscriber task."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from carriers import services, tasks
from carriers.domain import CarrierEvent, TrackingStatus
from carriers.models import ShipmentStatus
from carriers.tests.factories import CUSTOMER, HANDSET, WAREHOUSE, ShipmentFactory

pytestmark = pytest.mark.django_db
ATTEMPTS = []


def failing_subscriber(shipment, event):
    ATTEMPTS.append(event.pk)
    raise RuntimeError("the swap workflow is down")


def test_the_sandbox_beat_task_releases_due_events(carriers_settings):
    result = services.shipment_book(
        carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
        service="next_day", reference="r", idempotency_key="task-1")

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24), tick=False):
        counts = tasks.sandbox_advance.apply().get()

    result.outbound.refresh_from_db()
    assert result.outbound.status == ShipmentStatus.DELIVERED
    assert counts["stored"] == 5


def test_the_poll_beat_task_reports_what_it_found(carriers_settings):
    assert tasks.poll_stale.apply().get() == {"received": 0, "stored": 0, "duplicates": 0,
                                              "unknown": 0, "changed": 0}


def test_a_failing_subscriber_is_retried_and_never_undoes_the_ingestion(
        carriers_settings, django_capture_on_commit_callbacks):
    ATTEMPTS.clear()
    carriers_settings.HOTLINE_CARRIER_SUBSCRIBERS = [
        "carriers.tests.test_tasks.failing_subscriber"]
    shipment = ShipmentFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.tracking_ingest(carrier="sandbox", source="webhook", events=[CarrierEvent(
            tracking_number=shipment.tracking_number, status=TrackingStatus.PICKED_UP,
            occurred_at=timezone.now(), raw_code="PU", raw_text="Picked up")])

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert len(ATTEMPTS) > 1
