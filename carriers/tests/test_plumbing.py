"""The registry, the HTTP helper's Retry-After reading, and webhook signatures."""

import datetime
import email.utils
import time

import httpx
import pytest

from carriers.domain import UnknownCarrier, WebhookRejected
from carriers.registry import carrier_get, carriers_all
from carriers.signing import HEADER, signature_make, signature_verify
from hotline.httpclient import _retry_after


def test_the_registry_is_filled_from_settings(carriers_settings):
    assert sorted(carriers_all()) == ["mydhl", "sandbox"]


def test_an_unknown_carrier_names_those_registered(settings):
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]

    with pytest.raises(UnknownCarrier, match="registered carriers: sandbox"):
        carrier_get("dhl")


def test_an_unimportable_adapter_is_a_clear_error(settings):
    settings.HOTLINE_CARRIERS = ["carriers.nowhere.Courier"]

    with pytest.raises(UnknownCarrier, match="cannot be imported"):
        carriers_all()


def test_retry_after_in_seconds_is_honoured():
    assert _retry_after(httpx.Response(429, headers={"Retry-After": "12"})) == 12.0


def test_retry_after_as_an_http_date_is_honoured():
    when = email.utils.format_datetime(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=30), usegmt=True)

    wait = _retry_after(httpx.Response(429, headers={"Retry-After": when}))

    assert 25 <= wait <= 31


def test_a_fresh_signature_verifies():
    body = b"{}"

    signature_verify(secret="s", body=body, headers={HEADER: signature_make(secret="s",
                                                                            body=body)},
                     tolerance=300)


def test_a_signature_from_the_future_beyond_the_tolerance_is_rejected():
    body = b"{}"
    header = signature_make(secret="s", body=body, timestamp=int(time.time()) + 3600)

    with pytest.raises(WebhookRejected):
        signature_verify(secret="s", body=body, headers={HEADER: header}, tolerance=300)


def test_no_configured_secret_rejects_every_webhook():
    with pytest.raises(WebhookRejected, match="No webhook secret"):
        signature_verify(secret="", body=b"{}", headers={HEADER: "t=1,v1=0"}, tolerance=300)


def test_the_start_up_check_names_missing_mydhl_variables(settings):
    from carriers.checks import carriers_configured

    settings.HOTLINE_CARRIERS = ["carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"mydhl": {"api_key": "k"}}

    messages = [error.msg for error in carriers_configured()]

    assert any(m.startswith("MYDHL_API_SECRET") for m in messages)
    assert any(m.startswith("MYDHL_ACCOUNT") for m in messages)


def test_the_start_up_check_refuses_a_bad_sandbox_mix(settings):
    from carriers.checks import carriers_configured

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"mix": "normal=80,abducted=1"}}

    (error,) = carriers_configured()

    assert "SANDBOX_MIX" in error.msg and "abducted" in error.msg


def test_the_start_up_check_passes_with_the_defaults(settings):
    from carriers.checks import carriers_configured

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {}}

    assert carriers_configured() == []
