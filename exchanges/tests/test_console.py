"""The case page: diagnosis, proposal with reasons, confirm / override, quote status."""

import pytest
from django.urls import reverse

from exchanges.models import Decision
from exchanges.tests.factories import diagnosing_case

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


def test_an_operator_records_a_diagnosis_and_sees_the_proposal_with_its_reasons(operator_client):
    case = diagnosing_case(days_since_purchase=100, stock=2)

    response = operator_client.post(
        reverse("exchanges:diagnosis_record", args=[case.number]),
        {"dx-fault_code": "BAT-01", "dx-action": "swap", "dx-advice": "", "dx-preference": ""},
        follow=True)

    assert response.status_code == 200
    assert b"data-testid=\"proposed-outcome\"" in response.content
    assert b"2 like-for-like unit(s)" in response.content
    assert Decision.objects.get(case=case).proposed_outcome == "swap"


def test_an_operator_confirms_the_proposal_from_the_case_page(operator_client, operator):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    response = operator_client.post(reverse("exchanges:decision_confirm", args=[case.number]),
                                    {"cf-outcome": "swap"}, follow=True)

    case.refresh_from_db()
    assert case.status == "awaiting_consent"
    assert b"data-testid=\"quote-total\"" in response.content


def test_the_case_page_offers_an_operator_no_other_outcome(operator_client):
    case = diagnosing_case()
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert b"name=\"cf-outcome\" value=\"swap\"" in response.content
    assert b"<select name=\"cf-outcome\"" not in response.content


def test_an_operator_posting_another_outcome_is_refused(operator_client):
    case = diagnosing_case(stock=1, technician=True)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    response = operator_client.post(reverse("exchanges:decision_confirm", args=[case.number]),
                                    {"cf-outcome": "visit", "cf-reason": "why not"}, follow=True)

    case.refresh_from_db()
    assert case.status == "diagnosing"
    assert b"Only a supervisor" in response.content


def test_a_supervisor_overrides_from_the_case_page(client, supervisor):
    client.force_login(supervisor)
    case = diagnosing_case(stock=1, technician=True)
    client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                {"dx-fault_code": "BAT-01", "dx-action": "swap"})

    client.post(reverse("exchanges:decision_confirm", args=[case.number]),
                {"cf-outcome": "visit", "cf-reason": "Customer is never home for parcels"})

    assert Decision.objects.get(case=case, status="overridden").outcome == "visit"


def test_the_case_page_records_a_signed_acceptance(operator_client):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})
    operator_client.post(reverse("exchanges:decision_confirm", args=[case.number]),
                         {"cf-outcome": "swap"})

    operator_client.post(reverse("exchanges:quote_signed", args=[case.number]),
                         {"sg-signed_by": "Camille Dupont"})

    case.refresh_from_db()
    assert case.status == "in_service"


def test_the_case_page_renders_in_a_bounded_number_of_queries(
        operator_client, django_assert_max_num_queries):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    operator_client.post(reverse("exchanges:diagnosis_record", args=[case.number]),
                         {"dx-fault_code": "BAT-01", "dx-action": "swap"})
    operator_client.post(reverse("exchanges:decision_confirm", args=[case.number]),
                         {"cf-outcome": "swap"})

    with django_assert_max_num_queries(40):
        response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert response.status_code == 200
