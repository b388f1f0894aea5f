"""Correctly signed webhooks are checked as strictly as a form: NUL bytes, times that are not
times, events dated in the year 9999 and absurdly deep JSON are refused with 400 naming the
field, and nothing of the batch is stored."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from carriers.domain import CarrierEvent
from carriers.models import ShipmentStatus, TrackingEvent
from carriers.signing import signature_make
from carriers.tests.factories import ShipmentFactory
from carriers.validation import events_checked

pytestmark = pytest.mark.django_db
NUMBER = "HS0000000017"


def sandbox_event(**overrides):
    event = {"tracking_number": NUMBER, "status": "picked_up", "code": "SB-PU",
             "text": "Picked up", "location": "Paris",
             "occurred_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
             "event_id": "evt-1"}
    event.update(overrides)
    return event


def push(client, *events, body=None):
    body = body if body is not None else json.dumps({"events": list(events)}).encode()
    return client.post(reverse("carriers-webhook", args=["sandbox"]), data=body,
                       content_type="application/json",
                       HTTP_HOTLINE_SIGNATURE=signature_make(secret="sandbox-secret", body=body))


@pytest.fixture
def shipment(carriers_settings):
    return ShipmentFactory(carrier="sandbox", tracking_number=NUMBER)


def test_a_well_formed_signed_event_is_stored(client, shipment):
    response = push(client, sandbox_event())

    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP


@pytest.mark.parametrize("field", ["text", "location", "tracking_number", "event_id", "code"])
def test_a_nul_byte_in_any_text_is_a_400_and_nothing_is_stored(client, shipment, field):
    second = sandbox_event(event_id="evt-2")
    second[field] = "Pa\x00ris"

    response = push(client, sandbox_event(), second)

    assert response.status_code == 400
    assert "events[1]" in response.json()["detail"]
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize("moment", ["garbage", "", "2026-13-45T10:00:00Z", "9999-12-31T23:59:59Z",
                                    "0001-01-01T00:00:00Z", "2026-11-24T10:00:00", 12, None])
def test_a_bad_or_absurd_time_is_a_400_and_nothing_is_stored(client, shipment, moment):
    response = push(client, sandbox_event(occurred_at=moment))

    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()
    shipment.refresh_from_db()
    assert shipment.status != ShipmentStatus.PICKED_UP


def test_an_unknown_status_is_a_400(client, shipment):
    response = push(client, sandbox_event(status="teleported"))

    assert response.status_code == 400
    assert "status" in response.json()["detail"]


def test_a_text_longer_than_its_column_is_a_400(client, shipment):
    response = push(client, sandbox_event(text="x" * 301))

    assert response.status_code == 400
    assert "raw_text" in response.json()["detail"]


def test_a_signed_body_nested_ten_thousand_deep_is_a_400(client, shipment):
    response = push(client, body=b"[" * 10_000)

    assert response.status_code == 400


def test_a_body_that_is_not_utf8_is_a_400(client, shipment):
    response = push(client, body=b'{"events": ["\xff"]}')

    assert response.status_code == 400


def test_line_breaks_in_a_couriers_text_are_kept():
    event = CarrierEvent(tracking_number=NUMBER, status="in_transit",
                         occurred_at=timezone.now(), raw_code="X", raw_text="Hub\nParis")

    assert events_checked([event]) == [event]
