import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.reference import fault_codes_load
from exchanges.models import Visit
from exchanges.tests.factories import ServicePriceFactory, TechnicianFactory, diagnosing_case
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
# A Monday morning: the first free slot is that day, and a visit's steps start on its day.
MONDAY_9AM = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _monday_morning(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with time_machine.travel(MONDAY_9AM, tick=True):
        yield


def test_an_operator_books_a_visit_and_the_technician_works_it_from_a_phone(
        page, login, _browser, live_server):
    fault_codes_load()
    ServicePriceFactory(outcome="visit", category="", description="Technician visit")
    UserFactory(username="olivia", roles=["operator"])
    TechnicianFactory(name="Thomas Petit", postcode_prefixes=["75"],
                      working_hours={str(day): ["00:00", "23:59"] for day in range(7)},
                      user=UserFactory(username="thomas", roles=["technician"]))
    case = diagnosing_case(days_since_purchase=100, stock=0, language="en")

    login("olivia")
    page.goto(f"/console/cases/{case.number}/")
    page.select_option("#id_dx-fault_code", "CHG-03")
    page.select_option("#id_dx-action", "visit")
    page.get_by_role("button", name="Record and propose an outcome").click()
    expect(page.get_by_test_id("proposed-outcome")).to_contain_text("technician visit")
    page.get_by_role("button", name="Confirm the outcome").click()
    page.get_by_test_id("visit-slots").get_by_role("button", name="Book").first.click()
    expect(page.get_by_test_id("visit-status")).to_have_text("scheduled")
    expect(page.get_by_test_id("visit-slot")).to_contain_text("Thomas Petit")

    visit = Visit.objects.get(case=case)
    day = timezone.localtime(visit.slot_start).date().isoformat()
    phone = _browser.new_context(base_url=live_server.url, locale="en-GB",
                                 viewport={"width": 390, "height": 844}, is_mobile=True)
    sheet = phone.new_page()
    sheet.goto("/login/")
    sheet.fill("input[name=username]", "thomas")
    sheet.fill("input[name=password]", "pw")
    sheet.click("button[type=submit]")
    sheet.goto(f"/exchanges/visits/day/?date={day}")
    card = sheet.get_by_test_id(f"visit-{visit.pk}")
    expect(card).to_contain_text("12 rue de la Paix")
    card.get_by_role("button", name="On my way").click()
    sheet.get_by_test_id(f"visit-{visit.pk}").get_by_role("button", name="Arrived").click()
    card = sheet.get_by_test_id(f"visit-{visit.pk}")
    card.locator("textarea[name=work_done]").fill("Replaced the wireless charging coil")
    card.locator("input[name=signed_by]").fill("Camille Dupont")  # the typed fallback
    Visit.objects.filter(pk=visit.pk).update(  # 40 minutes of work on site
        on_site_at=timezone.now() - datetime.timedelta(minutes=40))
    card.get_by_role("button", name="Fixed: send the report").click()

    expect(sheet.get_by_test_id(f"visit-{visit.pk}")).to_contain_text("completed")
    phone.close()
    page.goto(f"/console/cases/{case.number}/")
    expect(page.get_by_test_id("case-status")).to_have_text("resolved")
