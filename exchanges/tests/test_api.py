"""The case workflow API: thin views over the services, 409 on illegal transitions."""

import pytest
from rest_framework.test import APIClient

from exchanges.models import Quote
from exchanges.tests.factories import diagnosing_case
from hotline.tests.factories import CaseFactory, make_distributor_user

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


@pytest.fixture
def api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


@pytest.fixture
def supervisor_api(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def test_an_operator_records_a_diagnosis_gets_a_proposal_and_confirms_it(api):
    case = diagnosing_case(days_since_purchase=100, stock=1)
    base = f"/api/v1/cases/{case.number}"

    api.post(f"{base}/diagnosis/", {"fault_code": "BAT-01", "action": "swap"}, format="json")
    proposed = api.post(f"{base}/decision/propose/", {}, format="json")
    confirmed = api.post(f"{base}/decision/confirm/", {}, format="json")

    assert proposed.status_code == 201
    assert proposed.json()["proposed_outcome"] == "swap" and proposed.json()["reasons"]
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert api.get(f"/api/v1/cases/{case.number}/").json()["internal_status"] == "in_service"


def test_the_api_records_a_diagnosis_and_proposes_in_the_same_call_when_asked(api):
    case = diagnosing_case(days_since_purchase=100, stock=1)
    base = f"/api/v1/cases/{case.number}"

    response = api.post(f"{base}/diagnosis/", {"fault_code": "BAT-01", "action": "swap",
                                               "propose": True}, format="json")

    assert response.status_code == 201
    assert api.get(f"{base}/decision/").json()["proposed_outcome"] == "swap"
    events = [event["action"] for event in api.get(f"{base}/timeline/").json()]
    assert events[-2:] == ["diagnosis_recorded", "decision_proposed"]


def test_an_operator_overriding_through_the_api_is_refused_with_403(api):
    case = diagnosing_case(stock=1, technician=True)
    base = f"/api/v1/cases/{case.number}"
    api.post(f"{base}/diagnosis/", {"fault_code": "BAT-01", "action": "swap"}, format="json")
    api.post(f"{base}/decision/propose/", {}, format="json")

    response = api.post(f"{base}/decision/confirm/", {"outcome": "visit", "reason": "x"},
                        format="json")

    assert response.status_code == 403


def test_an_illegal_transition_answers_409_naming_the_state(api):
    case = CaseFactory(status="closed")

    response = api.post(f"/api/v1/cases/{case.number}/resolve/", {}, format="json")

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_a_paid_outcome_exposes_the_itemised_quote_and_records_a_signed_acceptance(api):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    base = f"/api/v1/cases/{case.number}"
    api.post(f"{base}/diagnosis/", {"fault_code": "BAT-01", "action": "swap"}, format="json")
    api.post(f"{base}/decision/propose/", {}, format="json")
    api.post(f"{base}/decision/confirm/", {}, format="json")

    quote = api.get(f"{base}/quote/").json()
    accepted = api.post(f"{base}/quote/accept/", {"signed_by": "Camille Dupont"}, format="json")

    assert quote["total"] == "190.68" and quote["lines"][0]["amount"] == "149.00"
    assert quote["link"].endswith(f"/exchanges/quotes/{Quote.objects.get().token}/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_the_customer_declining_by_phone_is_recorded(api):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    base = f"/api/v1/cases/{case.number}"
    api.post(f"{base}/diagnosis/", {"fault_code": "BAT-01", "action": "swap"}, format="json")
    api.post(f"{base}/decision/propose/", {}, format="json")
    api.post(f"{base}/decision/confirm/", {}, format="json")

    response = api.post(f"{base}/quote/decline/", {"reason": "Too expensive"}, format="json")

    assert response.json()["status"] == "declined"
    assert api.get(f"/api/v1/cases/{case.number}/").json()["internal_status"] == "declined"


def test_only_a_supervisor_cancels_a_case_in_service(api, supervisor_api):
    case = CaseFactory(status="in_service")
    url = f"/api/v1/cases/{case.number}/cancel/"

    refused = api.post(url, {"reason": "Customer moved abroad"}, format="json")
    done = supervisor_api.post(url, {"reason": "Customer moved abroad"}, format="json")

    assert refused.status_code == 403
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_the_timeline_lists_every_event_of_the_case(api):
    case = diagnosing_case()
    api.post(f"/api/v1/cases/{case.number}/diagnosis/", {"fault_code": "BAT-02",
                                                         "action": "advice"}, format="json")

    events = api.get(f"/api/v1/cases/{case.number}/timeline/").json()

    assert [event["action"] for event in events] == ["diagnosis_recorded"]


def test_a_distributor_may_only_read_the_status(db):
    client = APIClient()
    client.force_authenticate(make_distributor_user())
    case = CaseFactory(status="diagnosing")

    response = client.post(f"/api/v1/cases/{case.number}/decision/propose/", {}, format="json")

    assert response.status_code == 403


def test_the_workflow_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert "/api/v1/cases/{number}/decision/confirm/" in schema["paths"]
    assert "/api/v1/cases/{number}/quote/accept/" in schema["paths"]
