import datetime
import re

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hotline.models import Profile
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "browser-test-cti-token"


@pytest.fixture
def cti_post(live_server, settings):
    settings.CALLS_CTI_TOKENS = [TOKEN]

    def post(events):
        response = httpx.post(f"{live_server.url}/api/v1/cti/events/", json=events,
                              headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert response.status_code == 202, response.text
        return response

    return post


def test_the_caller_pops_up_when_the_operator_answers_and_one_click_opens_a_case(
        page, login, cti_post):
    user = UserFactory(username="olivia", roles=["operator"])
    Profile.objects.update_or_create(user=user, defaults={"agent_id": "Agent/1001"})
    customer = CustomerFactory(first_name="Camille", last_name="Dupont", phone="+33612345678")
    HandsetFactory(owner=customer)
    login("olivia")
    page.goto("/calls/")
    expect(page.get_by_test_id("screen-pop")).to_contain_text("No call on Agent/1001")
    now = timezone.now()

    cti_post([
        {"event": "queued", "call_id": "1763900000.7", "at": (now - datetime.timedelta(
            seconds=15)).isoformat(), "queue": "hotline", "caller": "0612345678"},
        {"event": "answered", "call_id": "1763900000.7", "at": now.isoformat(),
         "agent": "Agent/1001"},
    ])

    expect(page.get_by_test_id("caller")).to_have_text("+33612345678", timeout=3000)
    expect(page.get_by_test_id("pop-customer")).to_contain_text("Camille Dupont")
    page.select_option("select[name=symptom]", "battery_drain")
    page.get_by_role("button", name="Open case").click()
    expect(page).to_have_url(re.compile(r"/console/cases/[A-Z]+-\d{4}-\d+/$"))
    expect(page.get_by_test_id("calls-panel")).to_contain_text("+33612345678")


def test_an_open_case_is_continued_from_the_screen_pop(page, login, cti_post):
    user = UserFactory(username="olivia", roles=["operator"])
    Profile.objects.update_or_create(user=user, defaults={"agent_id": "Agent/1001"})
    customer = CustomerFactory(first_name="Camille", last_name="Dupont", phone="+33612345678")
    case = CaseFactory(customer=customer, handset=HandsetFactory(owner=customer))
    cti_post([{"event": "queued", "call_id": "c-2", "at": timezone.now().isoformat(),
               "caller": "+33612345678"},
              {"event": "answered", "call_id": "c-2", "at": timezone.now().isoformat(),
               "agent": "Agent/1001"}])
    login("olivia")

    page.goto("/calls/")
    page.get_by_role("button", name="Continue case").click()

    expect(page).to_have_url(re.compile(rf"/console/cases/{case.number}/$"))
    expect(page.get_by_test_id("calls-panel")).to_contain_text("+33612345678")
