"""The demo's receiver page (DEBUG only) checks each delivery's signature and lists what it
received, in the reader's language and time."""

import datetime
import json

import pytest
import time_machine

from hotline.signing import signature_make
from hotline.tests.factories import DistributorFactory
from partners.services import webhooks

pytestmark = pytest.mark.django_db
URL = "http://testserver/partners/receiver/telco/"


@pytest.fixture
def subscribed(settings):
    settings.DEBUG = True
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    _subscription, secret = webhooks.subscription_create(
        distributor=DistributorFactory(code="telco"), url=URL, events=["case.status_changed"])
    return secret


def deliver(client, secret, body: bytes):
    return client.post(URL, body, content_type="application/json",
                       HTTP_HOTLINE_SIGNATURE=signature_make(secret=secret, body=body))


def test_a_signed_delivery_is_listed_with_its_time_in_the_readers_format(client, subscribed):
    body = json.dumps({"id": "ev-1", "type": "test", "data": {}}).encode()
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)):
        answer = deliver(client, subscribed, body)

    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert answer.json() == {"received": True, "signature": "valid"}
    assert "07/12/2026 10:00" in page  # Paris time, French format
    assert "2026-12-07T09:00" not in page
    assert "valide" in page and "ev-1" in page


def test_an_altered_delivery_is_refused_and_listed_as_such(client, subscribed):
    body = json.dumps({"id": "ev-2", "type": "test", "data": {}}).encode()
    header = signature_make(secret=subscribed, body=body)

    answer = client.post(URL, body.replace(b"ev-2", b"ev-3"), content_type="application/json",
                         HTTP_HOTLINE_SIGNATURE=header)

    assert answer.status_code == 400 and answer.json()["received"] is False
