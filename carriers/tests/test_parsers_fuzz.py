"""Property tests (Hypothesis) of the courier webhook parsers: a signed body of any shape is
ingested or refused with a permanent CarrierError (400), never anything else."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers.domain import CarrierError
from carriers.registry import carrier_get
from carriers.signing import HEADER, signature_make
from carriers.validation import events_checked

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                     lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c,
                                                                         max_size=4),
                     max_leaves=12)
SANDBOX_EVENT = st.fixed_dictionaries({}, optional={
    "tracking_number": st.text(max_size=45) | VALUE, "status": st.sampled_from(
        ["picked_up", "in_transit", "delivered", "nope"]) | VALUE,
    "occurred_at": st.sampled_from(["2026-11-24T10:00:00+00:00", "garbage", "9999-12-31T00:00Z",
                                    "2026-11-24T10:00:00"]) | VALUE,
    "code": st.text(max_size=25) | VALUE, "text": st.text(max_size=310) | VALUE,
    "location": st.text(max_size=10) | VALUE, "reason": st.text(max_size=5) | VALUE,
    "event_id": st.text(max_size=10) | VALUE})
BODIES = (st.fixed_dictionaries({"events": st.lists(SANDBOX_EVENT, max_size=3)}) | VALUE).map(
    lambda value: json.dumps(value).encode()) | st.binary(max_size=60)
MYDHL = (st.fixed_dictionaries({"shipments": st.lists(st.fixed_dictionaries({}, optional={
    "shipmentTrackingNumber": st.text(max_size=12) | VALUE,
    "events": st.lists(st.fixed_dictionaries({}, optional={
        "date": st.sampled_from(["2026-11-24", "9999-12-31", "x"]) | VALUE,
        "time": st.sampled_from(["10:00:00", "25:00:00"]) | VALUE,
        "GMTOffset": st.sampled_from(["+01:00", "zz"]) | VALUE,
        "typeCode": st.sampled_from(["PU", "OK", "??"]) | VALUE,
        "description": st.text(max_size=20) | VALUE}), max_size=2)}), max_size=2)})
         | VALUE).map(lambda value: json.dumps(value).encode())


@pytest.fixture
def adapters(carriers_settings):
    return {"sandbox": (carrier_get("sandbox"), "sandbox-secret"),
            "mydhl": (carrier_get("mydhl"), "dhl-secret")}


def _parse(adapter, secret, body):
    headers = {HEADER: signature_make(secret=secret, body=body)}
    try:
        return events_checked(adapter.parse_webhook(body=body, headers=headers))
    except CarrierError as exc:
        assert exc.permanent and exc.message
        return None


@FUZZ
@given(body=BODIES)
def test_a_signed_sandbox_body_parses_or_is_a_permanent_400(adapters, body):
    adapter, secret = adapters["sandbox"]

    events = _parse(adapter, secret, body)

    for event in events or []:
        assert "\x00" not in event.raw_text + event.location + event.tracking_number


@FUZZ
@given(body=MYDHL)
def test_a_signed_mydhl_body_parses_or_is_a_permanent_400(adapters, body):
    adapter, secret = adapters["mydhl"]

    _parse(adapter, secret, body)
