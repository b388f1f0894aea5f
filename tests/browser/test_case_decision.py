import re

import pytest
from playwright.sync_api import expect

from diagnostics.reference import fault_codes_load
from exchanges.models import Quote
from exchanges.tests.factories import ServicePriceFactory, diagnosing_case
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference():
    fault_codes_load()
    ServicePriceFactory(outcome="swap", category="", description="Replacement handset")


def test_an_operator_records_a_diagnosis_confirms_the_proposal_and_the_customer_accepts(
        page, login, reference, live_server, settings):
    settings.SITE_URL = live_server.url  # the payment page sends the customer back here
    UserFactory(username="olivia", roles=["operator"])
    case = diagnosing_case(days_since_purchase=1000, stock=1, language="en")

    login("olivia")
    page.goto(f"/console/cases/{case.number}/")
    page.select_option("#id_dx-fault_code", "BAT-01")
    page.select_option("#id_dx-action", "swap")
    page.get_by_role("button", name="Record and propose an outcome").click()

    expect(page.get_by_test_id("proposed-outcome")).to_contain_text("home swap")
    expect(page.get_by_test_id("decision")).to_contain_text("The warranty ended on")
    page.get_by_role("button", name="Confirm the outcome").click()
    expect(page.get_by_test_id("case-status")).to_have_text("awaiting consent")
    expect(page.get_by_test_id("quote-total")).to_have_text("190.68 EUR")

    quote = Quote.objects.get(case=case)
    page.goto(f"/exchanges/quotes/{quote.token}/")
    expect(page.get_by_test_id("quote-total")).to_have_text("190.68 EUR")
    page.get_by_test_id("accept").click()  # accepting a paid outcome is paying it
    page.fill("input[name=number]", "4242 4242 4242 4242")
    page.fill("input[name=expiry]", "12/39")
    page.fill("input[name=cvc]", "123")
    page.fill("input[name=name]", "Camille Martin")
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("answer")).to_contain_text(quote.number, timeout=20_000)

    page.goto(f"/console/cases/{case.number}/")
    expect(page.get_by_test_id("case-status")).to_have_text("in service")
    expect(page.get_by_test_id("service-order")).to_contain_text("190.68 EUR")
    expect(page.locator(".timeline")).to_contain_text(re.compile("consent"))


def test_a_supervisor_overrides_the_proposal_with_a_reason(page, login, reference):
    UserFactory(username="sophie", roles=["supervisor"])
    case = diagnosing_case(days_since_purchase=100, stock=1, language="en")

    login("sophie")
    page.goto(f"/console/cases/{case.number}/")
    page.select_option("#id_dx-fault_code", "BAT-02")
    page.select_option("#id_dx-action", "advice")
    page.get_by_role("button", name="Record and propose an outcome").click()
    page.select_option("#id_cf-outcome", "referral")
    page.fill("#id_cf-reason", "Customer wants to see someone in person")
    page.get_by_role("button", name="Confirm the outcome").click()

    expect(page.get_by_test_id("case-status")).to_have_text("referred")
    expect(page.get_by_test_id("decided-outcome")).to_contain_text("overridden")
