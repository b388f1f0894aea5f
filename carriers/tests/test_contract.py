"""One contract, every registered adapter: the sandbox, and MyDHL against the fake server."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from carriers.domain import (
    Booking,
    BookingRequest,
    CarrierError,
    Direction,
    ReturnCollection,
    Service,
    TrackingStatus,
    WebhookRejected,
)
from carriers.registry import carrier_get
from carriers.signing import HEADER, signature_make
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE

ADAPTERS = ["sandbox", "mydhl"]


class SandboxDriver:
    """Makes the sandbox courier's parcels progress: simulated time passes."""

    secret = "sandbox-secret"

    def __init__(self, adapter):
        self.adapter = adapter

    def progress(self, number):
        return time_machine.travel(timezone.now() + datetime.timedelta(hours=30), tick=False)

    def webhook_body(self, number):
        return json.dumps({"events": [{
            "tracking_number": number, "status": "picked_up", "code": "SB-PU",
            "text": "Parcel picked up from the sender", "location": "Saint-Denis",
            "occurred_at": timezone.now().isoformat(), "event_id": f"{number}-0"}]}).encode()


class MyDhlDriver:
    """Makes DHL's parcels progress: the fake server gains checkpoints."""

    secret = "dhl-secret"

    def __init__(self, fake):
        self.fake = fake

    def progress(self, number):
        self.fake.add_events(number, [
            {"date": "2026-03-02", "time": "17:10:00", "GMTOffset": "+01:00", "typeCode": "PU",
             "description": "Shipment picked up", "serviceArea": [{"code": "CDG",
                                                                     "description": "Paris-FR"}]},
            {"date": "2026-03-03", "time": "07:45:00", "GMTOffset": "+01:00", "typeCode": "WC",
             "description": "With delivery courier", "serviceArea": [{"code": "LYS",
                                                                        "description": "Lyon-FR"}]},
            {"date": "2026-03-03", "time": "10:02:00", "GMTOffset": "+01:00", "typeCode": "OK",
             "description": "Delivered - Signed for by: DUPONT",
             "serviceArea": [{"code": "LYS", "description": "Lyon-FR"}]},
        ])
        return _Nothing()

    def webhook_body(self, number):
        return json.dumps({"shipments": [{"shipmentTrackingNumber": number, "events": [
            {"date": "2026-03-02", "time": "17:10:00", "GMTOffset": "+01:00", "typeCode": "PU",
             "description": "Shipment picked up", "serviceArea": [{"description": "Paris-FR"}]},
        ]}]}).encode()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture(params=ADAPTERS)
def contract(request, carriers_settings, fake_mydhl, db):
    adapter = carrier_get(request.param)
    driver = SandboxDriver(adapter) if request.param == "sandbox" else MyDhlDriver(fake_mydhl)
    return adapter, driver


def booking_request(key="contract-1", *, with_return=True, service=Service.NEXT_DAY_NOON):
    return BookingRequest(
        sender=WAREHOUSE, recipient=CUSTOMER, parcels=(HANDSET,), service=service,
        reference="HL-2026-000001", idempotency_key=key, ship_date=timezone.localdate(),
        return_collection=ReturnCollection((FAULTY,), WAREHOUSE) if with_return else None)


def test_booking_a_delivery_with_a_collection_gives_two_valid_tracking_numbers(contract):
    adapter, _driver = contract

    booking = adapter.book(booking_request())

    assert isinstance(booking, Booking)
    assert booking.outbound.direction == Direction.OUTBOUND
    assert booking.collection.direction == Direction.RETURN
    assert booking.outbound.tracking_number != booking.collection.tracking_number
    assert adapter.tracking_number_is_valid(booking.outbound.tracking_number)
    assert adapter.tracking_number_is_valid(booking.collection.tracking_number)


def test_booking_without_a_collection_gives_only_the_delivery(contract):
    adapter, _driver = contract

    booking = adapter.book(booking_request(with_return=False))

    assert booking.collection is None
    assert booking.outbound.tracking_number


def test_booking_returns_a_pdf_label(contract):
    adapter, _driver = contract

    booking = adapter.book(booking_request())

    pdfs = [d for d in booking.outbound.documents if d.format == "pdf"]
    assert pdfs and pdfs[0].content.startswith(b"%PDF")


def test_label_documents_can_be_fetched_again_as_pdf(contract):
    adapter, _driver = contract
    number = adapter.book(booking_request()).outbound.tracking_number

    documents = adapter.labels(number, format="pdf")

    assert documents and all(d.format == "pdf" and d.content.startswith(b"%PDF")
                             for d in documents)


def test_tracking_returns_normalised_events_in_the_closed_vocabulary(contract):
    adapter, driver = contract
    number = adapter.book(booking_request()).outbound.tracking_number

    with driver.progress(number):
        events = adapter.track([number])

    assert events
    assert {e.status for e in events} <= set(TrackingStatus.values)
    assert all(e.tracking_number == number and e.raw_code and e.raw_text for e in events)
    assert all(e.occurred_at.tzinfo is not None for e in events)
    statuses = [e.status for e in sorted(events, key=lambda e: e.occurred_at)]
    assert statuses[0] == TrackingStatus.PICKED_UP
    assert statuses[-1] == TrackingStatus.DELIVERED


def test_tracking_a_number_the_courier_never_saw_gives_no_events(contract):
    adapter, _driver = contract

    assert adapter.track(["9999999992" if adapter.code == "mydhl" else "HS0000000000"]) == []


def test_a_signed_webhook_is_parsed_into_events(contract):
    adapter, driver = contract
    body = driver.webhook_body("1234567893")

    events = adapter.parse_webhook(
        body=body, headers={HEADER: signature_make(secret=driver.secret, body=body)})

    assert [e.status for e in events] == [TrackingStatus.PICKED_UP]
    assert events[0].tracking_number == "1234567893"


def test_a_webhook_signed_with_another_secret_is_rejected(contract):
    adapter, driver = contract
    body = driver.webhook_body("1234567893")

    with pytest.raises(WebhookRejected):
        adapter.parse_webhook(body=body,
                              headers={HEADER: signature_make(secret="wrong", body=body)})


def test_cancelling_a_booking_not_yet_collected_succeeds(contract):
    adapter, _driver = contract
    booked = adapter.book(booking_request()).collection

    adapter.cancel(tracking_number=booked.tracking_number,
                   carrier_reference=booked.carrier_reference)


def test_an_incomplete_recipient_address_is_a_permanent_error(contract):
    adapter, _driver = contract
    request = booking_request()
    bad = BookingRequest(**{**request.__dict__,
                            "recipient": CUSTOMER.__class__(**{**CUSTOMER.__dict__,
                                                               "postcode": ""})})

    with pytest.raises(CarrierError) as caught:
        adapter.book(bad)

    assert caught.value.permanent
