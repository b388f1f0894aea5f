"""The partner page in French, in a real browser: a distributor's admin user with a key, a
webhook subscription and a delivery sees no English (screenshot in test-results/)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from hotline.tests.factories import DistributorFactory, make_distributor_user
from partners.services.keys import key_create
from partners.services.webhooks import subscription_create, webhook_test_send

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
ENGLISH = ["API keys", "New API key", "Create the key", "Send a test event", "Delivery log",
           "Receiver", "Last used", "Switch off", "Revoke", "Rotate", "read case status",
           "open cases", "manage webhooks", "Subscribe", "pending", "test event",
           "Only your company's admin user"]


@pytest.fixture
def french_page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_partner_page_speaks_french_throughout(french_page, settings):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    distributor = DistributorFactory(code="telco", name="TelcoMarket")
    admin = make_distributor_user(distributor, username="marc")
    admin.user_permissions.add(Permission.objects.get(codename="manage_own_access"))
    key_create(distributor=distributor, name="Comptoir", scopes=["read_status", "open_cases"])
    subscription, _secret = subscription_create(
        distributor=distributor, url="http://127.0.0.1:9/hook", events=["case.status_changed"])
    webhook_test_send(subscription=subscription)
    page = french_page

    page.goto("/login/")
    page.fill("input[name=username]", "marc")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/partners/")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "partners-fr.png"), full_page=True)

    expect(page.locator("h1")).to_contain_text("TelcoMarket")
    text = page.locator("main").inner_text()
    assert "clés d'api" in text.lower(), text[:500]
    assert [words for words in ENGLISH if words in text] == []
