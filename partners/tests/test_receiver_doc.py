"""The receiver shown in docs/partners.md verifies real deliveries: good, stale, altered."""

import datetime
import ipaddress
import re
from pathlib import Path

import pytest
import time_machine

from hotline.tests.factories import DistributorFactory
from partners.services import webhooks

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "partners.md"
URL = "https://shop.example/hotline"
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def verify():
    code = next(block for block in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
                if "def verify" in block)
    namespace = {}
    exec(code, namespace)  # noqa: S102 (our own documentation)
    return namespace["verify"]


@pytest.fixture
def delivered(settings, monkeypatch, respx_mock, run):
    """A real test delivery as a receiver gets it: (secret, body, signature header)."""
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhooks, "_addresses",
                        lambda host, port: [ipaddress.ip_address("93.184.215.14")])
    route = respx_mock.post(URL).respond(200)
    with time_machine.travel(NOW, tick=False):
        subscription, secret = webhooks.subscription_create(
            distributor=DistributorFactory(), url=URL, events=["case.status_changed"])
        run(webhooks.webhook_test_send, subscription=subscription)
    request = route.calls.last.request
    return secret, request.content, request.headers["Hotline-Signature"]


def test_the_documented_receiver_accepts_a_real_delivery(verify, delivered):
    secret, body, header = delivered

    event = verify(secret, body, header, now=NOW.timestamp() + 10)

    assert event["type"] == "test"


def test_the_documented_receiver_refuses_a_stale_delivery(verify, delivered):
    secret, body, header = delivered

    with pytest.raises(ValueError, match="stale"):
        verify(secret, body, header, now=NOW.timestamp() + 301)


def test_the_documented_receiver_refuses_an_altered_body(verify, delivered):
    secret, body, header = delivered

    with pytest.raises(ValueError, match="bad signature"):
        verify(secret, body.replace(b"test", b"tost"), header, now=NOW.timestamp())


def test_the_documented_receiver_refuses_another_secret(verify, delivered):
    _secret, body, header = delivered

    with pytest.raises(ValueError, match="bad signature"):
        verify("whsec_someone_else", body, header, now=NOW.timestamp())
