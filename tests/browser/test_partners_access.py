"""A distributor's admin user creates an API key, subscribes a webhook receiver, sends a test
event and sees it delivered, signed, in the log and at the receiver."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from hotline.tests.factories import DistributorFactory, make_distributor_user
from partners.models import DistributorKey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def local_receivers(settings):
    settings.DEBUG = True  # the receiver page inside the project exists only under DEBUG
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True


def test_a_distributors_admin_goes_from_a_new_key_to_a_delivered_event(page, login, live_server,
                                                                      local_receivers):
    distributor = DistributorFactory(code="telco", name="TelcoMarket")
    admin = make_distributor_user(distributor, username="marc")
    admin.user_permissions.add(Permission.objects.get(codename="manage_own_access"))

    login("marc")
    page.click("[data-nav='partners:home']")
    expect(page.locator("h1")).to_contain_text("TelcoMarket")
    form = page.get_by_test_id("key-form")
    form.locator("input[name=name]").fill("Shop counter")
    form.locator("input[value=open_cases]").check()
    form.get_by_role("button").click()

    secret = page.get_by_test_id("secret").inner_text()
    key = DistributorKey.objects.get(name="Shop counter")
    assert secret.startswith(key.prefix + ".")
    expect(page.get_by_test_id("keys")).to_contain_text(key.prefix)

    page.reload()
    expect(page.get_by_test_id("shown-once")).to_have_count(0)
    receiver = f"{live_server.url}/partners/receiver/telco/"
    hooks = page.get_by_test_id("webhook-form")
    hooks.locator("input[name=url]").fill(receiver)
    hooks.get_by_role("button").click()
    expect(page.get_by_test_id("secret")).to_contain_text("whsec_")

    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_test_id("delivery-status").first).to_have_text("delivered")
    expect(page.get_by_test_id("deliveries")).to_contain_text("200")

    page.goto("/partners/receiver/telco/")
    expect(page.get_by_test_id("received")).to_contain_text("test")
    expect(page.get_by_test_id("received")).to_contain_text("valid")
