"""A customer on a phone: from the link in a message to the status, a rescheduled delivery, a
question answered, and a quote paid with the sandbox provider, receipt downloaded."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.reference import fault_codes_load
from exchanges.models import Quote, Swap
from exchanges.tests.factories import ServicePriceFactory, StockUnitFactory, fault, swap_case
from exchanges.tests.test_quotes import quoted_case
from hotline.tests.factories import UserFactory
from selfservice import services
from selfservice.models import FollowUp

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(_browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = _browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_customer_follows_reschedules_and_asks_from_the_phone(phone, settings):
    fault_codes_load()
    case, decision = swap_case()
    unit = StockUnitFactory(model=case.handset.model, variant=case.handset.variant)
    swap = Swap.objects.create(case=case, decision=decision, fault_code=fault("BAT-01"),
                               model=case.handset.model, status="held_at_depot", unit=unit,
                               warehouse=unit.warehouse, street="12 rue de la Paix", postcode="75002",
                               city="Paris", country="FR", hold_location="Relais Paris 2e",
                               hold_until=timezone.now() + datetime.timedelta(days=5))
    services.followup_open(case=case, kind="question", message="Can I collect it on Saturday?")
    link = re.search(r"https?://\S+/track/\S+/", mail.outbox[-1].body).group(0)

    phone.goto(link)
    expect(phone.get_by_test_id("public-status")).to_be_visible()
    expect(phone.get_by_test_id("depot-hold")).to_contain_text("Relais Paris 2e")
    no_horizontal_overflow(phone)
    phone.screenshot(path="test-results/customer-track-phone.png", full_page=True)

    phone.get_by_test_id("rebook").click()
    phone.get_by_label("Deliver on another day").check()
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    phone.fill("input[name=ship_on]", monday.isoformat())
    phone.get_by_test_id("rebook-submit").click()
    expect(phone.locator(".messages")).to_contain_text("we book the new delivery")
    swap.refresh_from_db()
    assert swap.ship_on == monday

    phone.fill("textarea[name=message]", "Will the courier call before coming?")
    phone.get_by_test_id("ask").click()
    expect(phone.locator(".messages")).to_contain_text("within one working day")

    question = FollowUp.objects.get(message="Will the courier call before coming?")
    services.followup_answer(follow_up=question, answer="Yes, one hour before.",
                             actor=UserFactory(roles=["operator"]))
    phone.goto(link)
    expect(phone.get_by_test_id("followup-answer").first).to_contain_text("Yes, one hour before.")


def test_a_customer_pays_a_quote_on_the_phone_and_gets_the_receipt(phone, settings):
    fault_codes_load()
    ServicePriceFactory(outcome="swap", category="", description="Replacement handset")
    case, quote = quoted_case(UserFactory(roles=["operator"]))
    case.customer.language = "en"
    case.customer.save()

    phone.goto(services.tracking_link(case))
    phone.get_by_test_id("open-quote").click()
    phone.get_by_test_id("accept").click()
    phone.fill("input[name=number]", "4242 4242 4242 4242")
    phone.fill("input[name=expiry]", "12/39")
    phone.fill("input[name=cvc]", "123")
    phone.fill("input[name=name]", "Camille Martin")
    no_horizontal_overflow(phone)
    phone.get_by_test_id("pay").click()

    expect(phone.get_by_test_id("answer")).to_contain_text(quote.number, timeout=20_000)
    with phone.expect_download() as download:
        phone.get_by_test_id("receipt").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Quote.objects.get(pk=quote.pk).status == "accepted"
