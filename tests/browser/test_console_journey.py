import re
from pathlib import Path

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


def test_a_common_name_shows_one_page_and_how_many_match_in_english_and_french(
        page, login, monkeypatch):
    from hotline import selectors
    from hotline.models import Customer

    UserFactory(username="olivia", roles=["operator"])
    Customer.objects.bulk_create(Customer(last_name="Martin", first_name=f"Camille {n:02d}")
                                 for n in range(60))
    shots = Path("var/screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    login("olivia")
    page.fill("#id_q", "martin")
    page.keyboard.press("Enter")
    expect(page.locator("#search-more")).to_have_text(
        "60 customers match: the first 50 by name are shown.")
    expect(page.locator("#results tbody tr")).to_have_count(50)
    expect(page.locator("#results tbody tr").first).to_contain_text("Camille 00 Martin")
    page.screenshot(path=shots / "search-many-en.png", full_page=False)

    # Beyond the candidates the page reads (200; 40 here, with pages of 20), "more than".
    monkeypatch.setattr(selectors.search_page, "__kwdefaults__",
                        {**selectors.search_page.__kwdefaults__, "cap": 40, "size": 20})
    with page.expect_navigation():  # the switch posts; let it land before the next page
        page.select_option("select[name=language]", "fr")
    page.goto("/console/search/?q=martin")
    expect(page.locator("#search-more")).to_contain_text(
        "Plus de 40 clients correspondent : 20 des premiers trouvés sont affichés, par nom.")
    expect(page.locator("#results tbody tr")).to_have_count(20)
    page.screenshot(path=shots / "search-more-than-fr.png", full_page=False)
