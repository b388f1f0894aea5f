"""Labels and slips carry the customer's name, address and phone: they are served only through
the document view, to console users, never from MEDIA_URL (whatever DEBUG says)."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from carriers import services
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE
from hotline.tests.factories import UserFactory, make_distributor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(carriers_settings):
    return services.shipment_book(
        carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
        service="next_day", reference="HL-2026-000098", idempotency_key="private-1",
        return_parcels=[FAULTY], return_to=WAREHOUSE)


@pytest.mark.parametrize("debug", [True, False])
def test_a_label_is_not_served_from_the_media_url_in_any_mode(client, booked, debug):
    import importlib

    import hotline.urls

    label = booked.outbound.label_pdf
    assert label and (settings.MEDIA_ROOT / label.name).exists()
    with override_settings(DEBUG=debug):
        importlib.reload(hotline.urls)
        clear_url_caches()
        try:
            response = client.get(f"/{settings.MEDIA_URL}{label.name}")
        finally:
            importlib.reload(hotline.urls)
            clear_url_caches()

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_a_label(client, booked):
    url = reverse("carriers:shipment_document", args=[booked.outbound.pk, "label"])

    response = client.get(url)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["distributor", "technician", "qa"])
def test_users_outside_the_console_roles_cannot_download_a_slip(client, booked, role):
    user = make_distributor_user() if role == "distributor" else UserFactory(roles=[role])
    client.force_login(user)

    response = client.get(reverse("carriers:shipment_document",
                                  args=[booked.outbound.pk, "slip"]))

    assert response.status_code == 403
