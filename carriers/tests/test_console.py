"""Console pages: shipments list and detail, documents, actions; who may see them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carriers import services
from carriers.models import ShipmentStatus
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE, ShipmentFactory
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(carriers_settings):
    return services.shipment_book(
        carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
        service="next_day", reference="HL-2026-000099", idempotency_key="console-1",
        return_parcels=[FAULTY], return_to=WAREHOUSE)


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_operators_find_shipments_in_the_navigation(operator_client, carriers_settings):
    response = operator_client.get(reverse("console:home"))

    assert reverse("carriers:shipment_list") in response.content.decode()


def test_the_list_shows_shipments_with_their_status(operator_client, booked):
    response = operator_client.get(reverse("carriers:shipment_list"))

    assert response.status_code == 200
    assert booked.outbound.tracking_number in response.content.decode()
    assert booked.collection.tracking_number in response.content.decode()


def test_the_list_filters_by_status(operator_client, carriers_settings):
    ShipmentFactory(tracking_number="HS0000000001", status=ShipmentStatus.DELIVERED)
    ShipmentFactory(tracking_number="HS0000000002", status=ShipmentStatus.LOST)

    response = operator_client.get(reverse("carriers:shipment_list"), {"status": "lost"})

    assert "HS0000000002" in response.content.decode()
    assert "HS0000000001" not in response.content.decode()


def test_the_list_finds_a_shipment_by_tracking_number(operator_client, carriers_settings):
    ShipmentFactory(tracking_number="HS0000000001")
    ShipmentFactory(tracking_number="HS0000000002")

    response = operator_client.get(reverse("carriers:shipment_list"), {"q": "hs0000000002"})

    assert "HS0000000002" in response.content.decode()
    assert "HS0000000001" not in response.content.decode()


def test_an_htmx_filter_returns_only_the_table(operator_client, carriers_settings):
    ShipmentFactory(tracking_number="HS0000000001")

    response = operator_client.get(reverse("carriers:shipment_list"), HTTP_HX_REQUEST="true")

    assert "HS0000000001" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_the_list_paginates(operator_client, carriers_settings, django_assert_max_num_queries):
    for _ in range(55):
        ShipmentFactory()

    with django_assert_max_num_queries(12):
        response = operator_client.get(reverse("carriers:shipment_list"))

    assert len(response.context["page"].object_list) == 50


def test_the_detail_shows_the_events_timeline_and_the_documents(operator_client, booked):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24), tick=False):
        services.sandbox_advance()

    response = operator_client.get(reverse("carriers:shipment_detail", args=[booked.outbound.pk]))

    page = response.content.decode()
    assert "Delivered to the recipient" in page and "SB-DLV" in page
    for kind in ("label", "zpl", "slip"):
        assert reverse("carriers:shipment_document", args=[booked.outbound.pk, kind]) in page
    assert booked.collection.tracking_number in page


def test_the_label_downloads_as_a_pdf(operator_client, booked):
    response = operator_client.get(reverse("carriers:shipment_document",
                                           args=[booked.outbound.pk, "label"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_absent_document_is_a_404(operator_client, carriers_settings):
    shipment = ShipmentFactory()

    response = operator_client.get(reverse("carriers:shipment_document",
                                           args=[shipment.pk, "slip"]))

    assert response.status_code == 404


def test_other_roles_may_not_see_shipments(client, carriers_settings):
    client.force_login(UserFactory(roles=["qa"]))

    response = client.get(reverse("carriers:shipment_list"))

    assert response.status_code == 403


def test_asking_the_courier_now_stores_new_events(operator_client, booked):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=4), tick=False):
        response = operator_client.post(reverse("carriers:shipment_refresh",
                                                args=[booked.outbound.pk]), follow=True)

    booked.outbound.refresh_from_db()
    assert booked.outbound.status == ShipmentStatus.PICKED_UP
    assert "1 new event" in response.content.decode()


def test_a_supervisor_cancels_a_booked_shipment(supervisor_client, booked):
    supervisor_client.post(reverse("carriers:shipment_cancel", args=[booked.outbound.pk]),
                           {"reason": "customer fixed it"})

    booked.outbound.refresh_from_db()
    assert booked.outbound.status == ShipmentStatus.CANCELLED


def test_an_operator_may_not_cancel_a_shipment(operator_client, booked):
    response = operator_client.post(reverse("carriers:shipment_cancel",
                                            args=[booked.outbound.pk]), {"reason": "x"})

    assert response.status_code == 403


def test_the_sandbox_button_releases_due_events(operator_client, booked):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24), tick=False):
        operator_client.post(reverse("carriers:sandbox_advance"))

    booked.outbound.refresh_from_db()
    assert booked.outbound.status == ShipmentStatus.DELIVERED


def test_the_admin_lists_shipments(admin_client, booked):
    response = admin_client.get(reverse("admin:carriers_shipment_changelist"))

    assert booked.outbound.tracking_number in response.content.decode()


def test_a_case_page_lists_the_shipments_booked_under_its_number(operator_client,
                                                                 carriers_settings):
    from hotline.tests.factories import CaseFactory

    case = CaseFactory()
    shipment = ShipmentFactory(reference=case.number)

    response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert shipment.tracking_number in response.content.decode()
    assert 'data-panel="shipments"' in response.content.decode()


def test_a_case_without_shipments_shows_no_shipments_panel(operator_client, carriers_settings):
    from hotline.tests.factories import CaseFactory

    case = CaseFactory()

    response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert 'data-panel="shipments"' not in response.content.decode()
