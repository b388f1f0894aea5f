"""The webhook endpoint: signed and fresh -> stored; anything else -> 401, nothing stored."""

import datetime
import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from carriers.models import ShipmentStatus, TrackingEvent
from carriers.signing import signature_make
from carriers.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def dhl_push(number, code="PU"):
    an_hour_ago = timezone.now().astimezone(datetime.UTC) - datetime.timedelta(hours=1)
    return json.dumps({"shipments": [{"shipmentTrackingNumber": number, "events": [{
        "date": an_hour_ago.date().isoformat(), "time": an_hour_ago.strftime("%H:%M:%S"),
        "GMTOffset": "+00:00",
        "typeCode": code, "description": "Shipment picked up",
        "serviceArea": [{"code": "CDG", "description": "Paris-FR"}]}]}]}).encode()


def post(client, code, body, signature):
    headers = {"HTTP_HOTLINE_SIGNATURE": signature} if signature else {}
    return client.post(reverse("carriers-webhook", args=[code]), data=body,
                       content_type="application/json", **headers)


def test_a_signed_webhook_stores_its_events(client, carriers_settings):
    shipment = ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    body = dhl_push("2345678915")

    response = post(client, "mydhl", body, signature_make(secret="dhl-secret", body=body))

    assert response.status_code == 200
    assert response.json()["stored"] == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert shipment.events.get().source == TrackingEvent.Source.WEBHOOK


def test_the_same_webhook_delivered_twice_stores_once(client, carriers_settings):
    ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    body = dhl_push("2345678915")
    signature = signature_make(secret="dhl-secret", body=body)

    post(client, "mydhl", body, signature)
    response = post(client, "mydhl", body, signature)

    assert response.json()["duplicates"] == 1
    assert TrackingEvent.objects.count() == 1


def test_a_bad_signature_is_refused_with_401_and_nothing_is_stored(client, carriers_settings):
    ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    body = dhl_push("2345678915")

    response = post(client, "mydhl", body, signature_make(secret="guess", body=body))

    assert response.status_code == 401
    assert TrackingEvent.objects.count() == 0


def test_a_forged_non_ascii_signature_is_refused_with_401_not_an_error(
    client, carriers_settings,
):
    ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    body = dhl_push("2345678915")

    response = post(client, "mydhl", body, f"t={int(time.time())},v1=éé")

    assert response.status_code == 401
    assert TrackingEvent.objects.count() == 0


def test_a_stale_signature_is_refused_with_401(client, carriers_settings):
    ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    body = dhl_push("2345678915")
    old = int(time.time()) - 3600

    response = post(client, "mydhl", body, signature_make(secret="dhl-secret", body=body,
                                                          timestamp=old))

    assert response.status_code == 401
    assert "tolerance" in response.json()["detail"]
    assert TrackingEvent.objects.count() == 0


def test_a_signature_over_another_body_is_refused(client, carriers_settings):
    ShipmentFactory(carrier="mydhl", tracking_number="2345678915")
    signature = signature_make(secret="dhl-secret", body=dhl_push("2345678915", "OK"))

    response = post(client, "mydhl", dhl_push("2345678915", "PU"), signature)

    assert response.status_code == 401


def test_a_missing_signature_is_refused_with_401(client, carriers_settings):
    response = post(client, "mydhl", dhl_push("2345678915"), None)

    assert response.status_code == 401


def test_a_webhook_for_an_unknown_carrier_is_a_404(client, carriers_settings):
    response = post(client, "fedup", b"{}", "t=1,v1=00")

    assert response.status_code == 404
    assert "Unknown carrier" in response.json()["detail"]


def test_a_signed_but_malformed_body_is_a_400(client, carriers_settings):
    body = b'{"shipments": "nope"}'

    response = post(client, "mydhl", body, signature_make(secret="dhl-secret", body=body))

    assert response.status_code == 400


def test_the_webhook_only_accepts_post(client, carriers_settings):
    response = client.get(reverse("carriers-webhook", args=["mydhl"]))

    assert response.status_code == 405
