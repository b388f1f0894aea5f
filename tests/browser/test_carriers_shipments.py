import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from carriers import services
from carriers.tests.factories import CUSTOMER, FAULTY, HANDSET, WAREHOUSE
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_only(settings):
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "s"}}


def book(key, scenario):
    return services.shipment_book(
        carrier="sandbox", sender=WAREHOUSE, recipient=CUSTOMER, parcels=[HANDSET],
        service="next_day_noon", reference=key.upper(), idempotency_key=key,
        return_parcels=[FAULTY], return_to=WAREHOUSE, options={"scenario": scenario})


def test_an_operator_follows_a_swap_delivery_from_the_shipments_list(page, login, sandbox_only):
    UserFactory(username="olivia", roles=["operator"])
    delivered = book("swap-a", "normal")
    failed = book("swap-b", "recipient_absent")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=22, minutes=30),
                             tick=False):
        services.sandbox_advance()

    login("olivia")
    page.click("[data-navgroup='logistics'] > summary")  # the top bar's Logistics menu
    page.click("[data-nav='carriers:shipment_list']")
    page.select_option("select[name=status]", "delivery_failed")
    # Submit too: filtering must not depend on htmx having loaded before the change event.
    page.get_by_role("button", name="Filter").click()

    expect(page.locator("#shipments")).to_contain_text(failed.outbound.tracking_number)
    expect(page.locator("#shipments")).not_to_contain_text(delivered.outbound.tracking_number)
    page.get_by_role("link", name=failed.outbound.tracking_number).click()
    expect(page).to_have_url(re.compile(rf"/carriers/{failed.outbound.pk}/$"))
    expect(page.get_by_test_id("shipment-status")).to_have_text("delivery failed")
    expect(page.locator(".timeline")).to_contain_text("Recipient absent, card left")
    with page.expect_download() as download:
        page.click("[data-document='label']")
    assert download.value.suggested_filename == f"{failed.outbound.tracking_number}-label.pdf"
