import re

import pytest
from playwright.sync_api import expect

from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_logs_in_finds_a_customer_by_phone_and_opens_the_case(page, login):
    UserFactory(username="olivia", roles=["operator"])
    customer = CustomerFactory(first_name="Camille", last_name="Dupont", phone="+33612345678")
    case = CaseFactory(handset=HandsetFactory(owner=customer), customer=customer)

    login("olivia")
    expect(page.get_by_role("heading", name="Find the caller")).to_be_visible()
    page.fill("#id_q", "06 12 34 56 78")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/console/customers/{customer.pk}/$"))
    expect(page.get_by_role("heading", name="Camille Dupont")).to_be_visible()
    page.get_by_role("link", name=case.number).first.click()
    expect(page).to_have_url(re.compile(rf"/console/cases/{case.number}/$"))
    expect(page.get_by_test_id("case-status")).to_have_text("open")


def test_the_live_search_shows_results_as_the_operator_types(page, login):
    UserFactory(username="olivia", roles=["operator"])
    CustomerFactory(last_name="Lefebvre")
    CustomerFactory(last_name="Lefebvre-Roux")

    login("olivia")
    page.type("#id_q", "Lefeb", delay=30)

    expect(page.locator("#results")).to_contain_text("Lefebvre-Roux")


def test_the_language_switch_turns_the_console_french(page, login):
    UserFactory(username="olivia", roles=["operator"])

    login("olivia")
    page.select_option("select[name=language]", "fr")

    expect(page.get_by_role("heading", name="Trouver l’appelant")).to_be_visible()
