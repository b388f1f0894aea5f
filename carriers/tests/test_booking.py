"""shipment_book: a delivery and a collection in one visit, persisted once per key."""

import pytest

from carriers import services
from carriers.domain import CarrierError, Direction
from carriers.models import Shipment, ShipmentStatus
from carriers.tests.code128 import barcodes_in_pdf
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE
from hotline.models import AuditEvent

pytestmark = pytest.mark.django_db


def book(carrier="sandbox", key="swap-1", **overrides):
    arguments = {"carrier": carrier, "sender": WAREHOUSE, "recipient": CUSTOMER,
                 "parcels": [HANDSET], "service": "next_day_noon", "reference": "HL-2026-000007",
                 "idempotency_key": key, "return_parcels": [FAULTY], "return_to": WAREHOUSE}
    arguments.update(overrides)
    return services.shipment_book(**arguments)


@pytest.mark.parametrize("carrier", ["sandbox", "mydhl"])
def test_a_swap_booking_persists_a_delivery_and_a_collection_paired(carriers_settings, carrier):
    result = book(carrier=carrier)

    outbound, collection = result.outbound, result.collection
    assert (outbound.direction, collection.direction) == (Direction.OUTBOUND, Direction.RETURN)
    assert outbound.status == collection.status == ShipmentStatus.BOOKED
    assert outbound.visit_partner == collection and collection.visit_partner == outbound
    assert collection.sender["postcode"] == CUSTOMER.postcode
    assert outbound.events.get().status == "booked"


@pytest.mark.parametrize("carrier", ["sandbox", "mydhl"])
def test_a_retried_booking_with_the_same_key_never_books_twice(carriers_settings, fake_mydhl,
                                                               carrier):
    first = book(carrier=carrier)

    second = book(carrier=carrier)

    assert second.created is False
    assert second.outbound.pk == first.outbound.pk
    assert Shipment.objects.count() == 2
    if carrier == "mydhl":
        assert len(fake_mydhl.calls("POST", "/shipments")) == 2


def test_the_labels_and_the_slip_are_stored_with_the_shipments(carriers_settings):
    result = book()

    outbound, collection = result.outbound, result.collection
    assert barcodes_in_pdf(outbound.label_pdf.read()) == [outbound.tracking_number]
    assert barcodes_in_pdf(collection.label_pdf.read()) == [collection.tracking_number]
    assert barcodes_in_pdf(outbound.slip_pdf.read()) == [collection.tracking_number]
    assert outbound.label_zpl.read().startswith(b"^XA")


def test_the_couriers_own_label_is_kept(carriers_settings):
    result = book(carrier="mydhl")

    assert result.outbound.carrier_label.read().startswith(b"%PDF")


def test_a_permanent_refusal_leaves_no_shipment_and_can_be_retried(carriers_settings):
    no_phone = CUSTOMER.__class__(**{**CUSTOMER.__dict__, "phone": ""})

    with pytest.raises(CarrierError) as caught:
        book(carrier="mydhl", recipient=no_phone)

    assert caught.value.permanent
    assert Shipment.objects.count() == 0
    assert book(carrier="mydhl").created


def test_a_transient_failure_leaves_no_shipment(carriers_settings, fake_mydhl):
    fake_mydhl.fail("POST", "/shipments", 503, times=10)

    with pytest.raises(CarrierError) as caught:
        book(carrier="mydhl")

    assert not caught.value.permanent
    assert Shipment.objects.count() == 0


def test_a_booking_still_in_progress_is_not_started_again(carriers_settings):
    Shipment.objects.create(carrier="sandbox", service="next_day", direction=Direction.OUTBOUND,
                            booking_key="swap-1", sender={}, recipient={}, parcels=[],
                            ship_date="2026-03-06")

    with pytest.raises(CarrierError, match="already in progress") as caught:
        book()

    assert not caught.value.permanent


def test_a_booking_pending_longer_than_the_setting_is_taken_as_crashed_and_made(
        carriers_settings, fake_mydhl):
    import datetime

    from django.utils import timezone

    carriers_settings.HOTLINE_CARRIER_BOOKING_PENDING_SECONDS = 30
    Shipment.objects.create(carrier="mydhl", service="next_day", direction=Direction.OUTBOUND,
                            booking_key="swap-1", sender={}, recipient={}, parcels=[],
                            ship_date="2026-03-06",
                            booking_started_at=timezone.now() - datetime.timedelta(seconds=31))

    result = book(carrier="mydhl")

    assert result.created and result.outbound.status == ShipmentStatus.BOOKED
    assert Shipment.objects.filter(status=ShipmentStatus.PENDING).count() == 0
    assert len(fake_mydhl.shipments) == 2


def test_a_booking_is_audited(carriers_settings):
    result = book()

    actions = AuditEvent.objects.filter(object_id=str(result.outbound.pk)).values_list(
        "action", flat=True)
    assert list(actions) == ["booked"]


def test_an_unknown_carrier_is_a_clear_error(carriers_settings):
    with pytest.raises(CarrierError, match="Unknown carrier 'ups'; registered carriers: "
                                           "mydhl, sandbox"):
        book(carrier="ups")


def test_an_unknown_service_is_refused(carriers_settings):
    with pytest.raises(CarrierError, match="Unknown service"):
        book(service="teleport")


def test_a_collection_without_a_return_address_is_refused(carriers_settings):
    with pytest.raises(CarrierError, match="address to return to"):
        book(return_to=None)


def test_a_shipment_picked_up_cannot_be_cancelled(carriers_settings):
    result = book()
    result.outbound.status = ShipmentStatus.PICKED_UP
    result.outbound.save()

    with pytest.raises(CarrierError, match="only a booked shipment"):
        services.shipment_cancel(shipment=result.outbound)
