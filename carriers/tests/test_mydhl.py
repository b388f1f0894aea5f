"""The MyDHL adapter against the fake MyDHL server: request shapes, errors, retries, codes."""

import base64
import datetime
import json
import time

import pytest
from django.utils import timezone

from carriers.base import dhl_express_waybill_is_valid
from carriers.domain import (
    BookingRequest,
    CarrierError,
    FailureReason,
    ReturnCollection,
    Service,
    TrackingStatus,
)
from carriers.mydhl import EVENT_CODES, map_event_code
from carriers.registry import carrier_get
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE

pytestmark = pytest.mark.django_db


@pytest.fixture
def dhl(carriers_settings):
    return carrier_get("mydhl")


def request_for(*, service=Service.NEXT_DAY_NOON, with_return=True, recipient=CUSTOMER,
                ship_date=datetime.date(2026, 3, 6)):
    return BookingRequest(
        sender=WAREHOUSE, recipient=recipient, parcels=(HANDSET,), service=service,
        reference="HL-2026-000042", idempotency_key="k-42", ship_date=ship_date,
        return_collection=ReturnCollection((FAULTY,), WAREHOUSE) if with_return else None)


def sent_bodies(fake):
    return [json.loads(call["body"]) for call in fake.calls("POST", "/shipments")]


def test_it_authenticates_with_basic_auth_and_sends_the_api_version(dhl, fake_mydhl):
    dhl.book(request_for(with_return=False))

    headers = fake_mydhl.calls("POST", "/shipments")[0]["headers"]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()
    assert headers["x-version"]
    assert 28 <= len(headers["Message-Reference"]) <= 36


def test_the_delivery_goes_out_with_the_domestic_product_for_the_service(dhl, fake_mydhl):
    dhl.book(request_for(service=Service.NEXT_DAY_NOON, with_return=False))

    body = sent_bodies(fake_mydhl)[0]
    assert body["productCode"] == "1"
    assert body["accounts"] == [{"typeCode": "shipper", "number": fake_mydhl.account}]
    assert body["plannedShippingDateAndTime"] == "2026-03-06T16:00:00 GMT+01:00"
    assert body["customerDetails"]["receiverDetails"]["postalAddress"]["postalCode"] == "75002"


def test_an_international_next_day_uses_express_worldwide(dhl, fake_mydhl):
    belgian = CUSTOMER.__class__(**{**CUSTOMER.__dict__, "country": "BE", "postcode": "1000",
                                    "city": "Bruxelles"})

    dhl.book(request_for(service=Service.NEXT_DAY, with_return=False, recipient=belgian))

    assert sent_bodies(fake_mydhl)[0]["productCode"] == "P"


def test_every_parcel_is_marked_as_lithium_ion_batteries_contained_in_equipment(dhl, fake_mydhl):
    dhl.book(request_for())

    for body in sent_bodies(fake_mydhl):
        assert {"serviceCode": "HV"} in body["valueAddedServices"]


def test_the_collection_books_a_courier_pickup_at_the_customers_door_on_delivery_day(
        dhl, fake_mydhl):
    booking = dhl.book(request_for(ship_date=datetime.date(2026, 3, 6)))  # a Friday

    outbound, collection = sent_bodies(fake_mydhl)
    assert outbound["pickup"]["isRequested"] is False
    assert collection["pickup"]["isRequested"] is True
    assert collection["pickup"]["pickupDetails"]["postalAddress"]["postalCode"] == "75002"
    assert booking.outbound.tracking_number in \
        collection["pickup"]["specialInstructions"][0]["value"]
    assert collection["plannedShippingDateAndTime"].startswith("2026-03-09T09:00:00")
    assert collection["customerDetails"]["shipperDetails"]["contactInformation"]["fullName"] == \
        "Camille Dupont"
    assert booking.collection.carrier_reference in fake_mydhl.pickups


def test_labels_are_asked_for_in_the_configured_format(carriers_settings, fake_mydhl):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "mydhl": {**carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"], "label_format": "zpl"}}

    booking = carrier_get("mydhl").book(request_for(with_return=False))

    assert sent_bodies(fake_mydhl)[0]["outputImageProperties"]["encodingFormat"] == "zpl"
    assert booking.outbound.documents[0].format == "zpl"
    assert booking.outbound.documents[0].content.startswith(b"^XA")


def test_a_400_is_permanent_and_carries_dhls_own_message(dhl, fake_mydhl):
    no_phone = CUSTOMER.__class__(**{**CUSTOMER.__dict__, "phone": ""})

    with pytest.raises(CarrierError) as caught:
        dhl.book(request_for(recipient=no_phone, with_return=False))

    assert caught.value.permanent
    assert caught.value.status_code == 400
    assert "customerDetails.receiverDetails.contactInformation.phone is required" in \
        caught.value.message
    assert len(fake_mydhl.calls("POST", "/shipments")) == 1


def test_an_unknown_account_is_refused_with_dhls_detail(carriers_settings, fake_mydhl):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "mydhl": {**carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"], "account": "000"}}

    with pytest.raises(CarrierError) as caught:
        carrier_get("mydhl").book(request_for(with_return=False))

    assert "The account number is not found or invalid" in caught.value.message


def test_a_401_is_permanent_and_not_retried(carriers_settings, fake_mydhl):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "mydhl": {**carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"], "api_secret": "bad"}}

    with pytest.raises(CarrierError) as caught:
        carrier_get("mydhl").track(["2345678915"])

    assert caught.value.permanent and caught.value.status_code == 401
    assert "Invalid Credentials" in caught.value.message
    assert len(fake_mydhl.requests) == 1


def test_cancelling_an_unknown_pickup_is_a_permanent_404_with_dhls_message(dhl, fake_mydhl):
    with pytest.raises(CarrierError) as caught:
        dhl.cancel(tracking_number="2345678915", carrier_reference="PRG999")

    assert caught.value.permanent and caught.value.status_code == 404
    assert "Pickup PRG999 was not found" in caught.value.message


def test_cancelling_a_waybill_without_a_pickup_asks_nothing_of_dhl(dhl, fake_mydhl):
    dhl.cancel(tracking_number="2345678915")

    assert fake_mydhl.requests == []


def test_cancelling_a_collection_cancels_its_pickup_at_dhl(dhl, fake_mydhl):
    collection = dhl.book(request_for()).collection

    dhl.cancel(tracking_number=collection.tracking_number,
               carrier_reference=collection.carrier_reference)

    (call,) = fake_mydhl.calls("DELETE", "/pickups/")
    assert call["query"]["requestorName"] == ["Hotline"]
    assert collection.carrier_reference not in fake_mydhl.pickups


def test_a_429_is_retried_after_the_time_dhl_asks_for(dhl, fake_mydhl, sleeps):
    fake_mydhl.fail("POST", "/shipments", 429, headers={"Retry-After": "7"})

    booking = dhl.book(request_for(with_return=False))

    assert booking.outbound.tracking_number
    assert sleeps == [7.0]
    assert len(fake_mydhl.calls("POST", "/shipments")) == 2


def test_a_500_is_retried_with_backoff_then_succeeds(dhl, fake_mydhl, sleeps):
    fake_mydhl.fail("GET", "/shipments/", 500, times=2)
    number = dhl.book(request_for(with_return=False)).outbound.tracking_number

    assert dhl.track([number]) == []

    assert sleeps == [0.01, 0.02]


def test_a_500_that_persists_is_a_transient_error_after_bounded_retries(dhl, fake_mydhl, sleeps):
    fake_mydhl.fail("GET", "/shipments/", 500, times=10)

    with pytest.raises(CarrierError) as caught:
        dhl.track(["2345678915"])

    assert not caught.value.permanent
    assert "Internal Server Error" in caught.value.message
    assert len(fake_mydhl.requests) == 3


def test_a_timeout_is_transient_and_retried(carriers_settings, fake_mydhl, sleeps):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "mydhl": {**carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"], "timeout": 0.2}}
    fake_mydhl.stall("/tracking", 0.5)
    fake_mydhl.add_events("2345678915", [])
    fake_mydhl.add_events("2345678926", [])

    carrier_get("mydhl").track(["2345678915", "2345678926"])

    assert len(fake_mydhl.calls("GET", "/tracking")) == 2
    assert len(sleeps) == 1


def test_several_numbers_are_tracked_in_one_request(dhl, fake_mydhl):
    fake_mydhl.add_events("2345678915", [{"date": "2026-03-02", "time": "17:10:00",
                                          "typeCode": "PU", "description": "Picked up"}])
    fake_mydhl.add_events("2345678926", [{"date": "2026-03-02", "time": "18:00:00",
                                          "typeCode": "DF", "description": "Departed"}])

    events = dhl.track(["2345678915", "2345678926"])

    assert {(e.tracking_number, e.status) for e in events} == {
        ("2345678915", TrackingStatus.PICKED_UP), ("2345678926", TrackingStatus.IN_TRANSIT)}
    assert fake_mydhl.calls("GET", "/tracking")[0]["query"]["shipmentTrackingNumber"] == [
        "2345678915", "2345678926"]


def test_an_event_time_is_read_with_its_gmt_offset(dhl, fake_mydhl):
    fake_mydhl.add_events("2345678915", [{"date": "2026-03-02", "time": "17:10:00",
                                          "GMTOffset": "+09:00", "typeCode": "PU",
                                          "description": "Picked up"}])

    (event,) = dhl.track(["2345678915"])

    assert event.occurred_at == datetime.datetime(2026, 3, 2, 8, 10, tzinfo=datetime.UTC)


def test_an_unknown_event_code_becomes_an_exception_with_its_raw_text(dhl, fake_mydhl):
    fake_mydhl.add_events("2345678915", [{"date": "2026-03-02", "time": "17:10:00",
                                          "typeCode": "ZZ", "description": "Weird thing"}])

    (event,) = dhl.track(["2345678915"])

    assert (event.status, event.raw_code, event.raw_text) == (TrackingStatus.EXCEPTION, "ZZ",
                                                              "Weird thing")


@pytest.mark.parametrize(("code", "status", "reason"), [
    ("PU", TrackingStatus.PICKED_UP, ""), ("PL", TrackingStatus.IN_TRANSIT, ""),
    ("DF", TrackingStatus.IN_TRANSIT, ""), ("AF", TrackingStatus.IN_TRANSIT, ""),
    ("AR", TrackingStatus.IN_TRANSIT, ""), ("WC", TrackingStatus.OUT_FOR_DELIVERY, ""),
    ("OK", TrackingStatus.DELIVERED, ""),
    ("CM", TrackingStatus.DELIVERY_FAILED, FailureReason.ADDRESS_PROBLEM),
    ("NH", TrackingStatus.DELIVERY_FAILED, FailureReason.RECIPIENT_ABSENT),
    ("RD", TrackingStatus.DELIVERY_FAILED, FailureReason.REFUSED),
    ("RT", TrackingStatus.RETURNED_TO_SENDER, ""), ("OH", TrackingStatus.HELD_AT_DEPOT, ""),
])
def test_dhl_checkpoint_codes_map_to_our_statuses(code, status, reason):
    assert map_event_code(code) == (status, reason)


def test_every_mapped_code_lands_in_the_closed_vocabulary():
    assert {status for status, _ in EVENT_CODES.values()} <= set(TrackingStatus.values)


def test_a_waybill_with_the_right_mod_7_check_digit_is_valid():
    assert dhl_express_waybill_is_valid("2345678915")  # 234567891 % 7 == 5


def test_a_waybill_with_a_wrong_check_digit_is_invalid():
    assert not dhl_express_waybill_is_valid("2345678916")


def test_a_waybill_dhl_issues_with_a_bad_check_digit_is_flagged(dhl, fake_mydhl):
    fake_mydhl.issue_invalid_numbers = True

    booking = dhl.book(request_for(with_return=False))

    assert booking.outbound.tracking_number_valid is False


def test_booking_is_refused_clearly_when_credentials_are_missing(settings, db):
    settings.HOTLINE_CARRIERS = ["carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"mydhl": {}}

    with pytest.raises(CarrierError, match="MyDHL is not configured"):
        carrier_get("mydhl").book(request_for())


def test_planned_shipping_time_uses_summer_time_in_july(dhl, fake_mydhl):
    dhl.book(request_for(with_return=False, ship_date=datetime.date(2026, 7, 6)))

    assert sent_bodies(fake_mydhl)[0]["plannedShippingDateAndTime"] == \
        "2026-07-06T16:00:00 GMT+02:00"


def test_the_refetched_waybill_document_is_asked_for_the_current_month(dhl, fake_mydhl):
    number = dhl.book(request_for(with_return=False)).outbound.tracking_number

    dhl.labels(number)

    query = fake_mydhl.calls("GET", f"/shipments/{number}/get-image")[0]["query"]
    assert query["pickupYearAndMonth"] == [f"{timezone.localdate():%Y-%m}"]
    assert query["typeCode"] == ["waybill"]


# --- a booking is made once, whatever fails (issue 17) -------------------------------------
def test_each_direction_carries_its_own_booking_reference_with_the_case_number(dhl, fake_mydhl):
    dhl.book(request_for())

    outbound, collection = (body["customerReferences"][0]["value"]
                            for body in sent_bodies(fake_mydhl))
    assert outbound.startswith("HL-2026-000042 ") and collection.startswith("HL-2026-000042 ")
    assert outbound != collection
    assert max(len(outbound), len(collection)) <= 35


def test_a_booking_dhl_made_but_whose_answer_was_lost_is_found_not_made_twice(
        dhl, fake_mydhl, sleeps):
    fake_mydhl.fail("POST", "/shipments", 500, handled=True)

    booking = dhl.book(request_for(with_return=False))

    assert len(fake_mydhl.calls("POST", "/shipments")) == 1
    assert list(fake_mydhl.shipments) == [booking.outbound.tracking_number]


def test_a_booking_that_timed_out_after_dhl_made_it_is_found_not_made_twice(
        carriers_settings, fake_mydhl, sleeps):
    carriers_settings.HOTLINE_CARRIER_OPTIONS = {
        **carriers_settings.HOTLINE_CARRIER_OPTIONS,
        "mydhl": {**carriers_settings.HOTLINE_CARRIER_OPTIONS["mydhl"], "timeout": 0.3,
                  "sleep": time.sleep}}
    fake_mydhl.stall("/shipments", 0.45)  # DHL makes it after the client gave up waiting

    booking = carrier_get("mydhl").book(request_for(with_return=False))

    assert len(fake_mydhl.calls("POST", "/shipments")) == 1
    assert list(fake_mydhl.shipments) == [booking.outbound.tracking_number]


def test_a_503_before_dhl_acted_is_booked_on_the_next_try(dhl, fake_mydhl, sleeps):
    fake_mydhl.fail("POST", "/shipments", 503)

    booking = dhl.book(request_for(with_return=False))

    assert len(fake_mydhl.calls("POST", "/shipments")) == 2
    assert list(fake_mydhl.shipments) == [booking.outbound.tracking_number]
    assert sleeps == [0.01]


def test_a_booking_made_by_an_earlier_attempt_is_found_by_a_new_one(dhl, fake_mydhl):
    first = dhl.book(request_for())

    again = dhl.book(request_for())  # a worker died before recording the first answer

    assert (again.outbound.tracking_number, again.collection.tracking_number) == (
        first.outbound.tracking_number, first.collection.tracking_number)
    assert len(fake_mydhl.shipments) == 2
