"""A second case for a handset that has one at work is refused, naming and linking the open
one, in the console and the API alike; a supervisor may open it anyway."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hotline import services
from hotline.errors import CaseError, PermissionRefused
from hotline.models import Case
from hotline.tests.factories import (
    CaseFactory,
    DistributorFactory,
    HandsetFactory,
    make_distributor_user,
)
from hotline.tests.test_api import new_case_payload

pytestmark = pytest.mark.django_db


def _working_case(status="diagnosing"):
    handset = HandsetFactory()
    return CaseFactory(customer=handset.owner, handset=handset, status=status)


@pytest.mark.parametrize("status", ["open", "diagnosing", "awaiting_consent", "in_service"])
def test_a_second_case_is_refused_naming_the_one_at_work(operator, status):
    first = _working_case(status)

    with pytest.raises(CaseError) as refused:
        services.case_open(customer=first.customer, handset=first.handset, symptom="audio",
                           actor=operator)

    assert refused.value.code == "open_case_exists"
    assert first.number in refused.value.message
    assert Case.objects.count() == 1


def test_a_supervisor_opens_a_second_case_on_purpose(supervisor):
    first = _working_case()

    second = services.case_open(customer=first.customer, handset=first.handset,
                                symptom="audio", actor=supervisor, second=True)

    assert second.number != first.number


def test_an_operator_may_not_ask_for_a_second_case(operator):
    first = _working_case()

    with pytest.raises(PermissionRefused):
        services.case_open(customer=first.customer, handset=first.handset, symptom="audio",
                           actor=operator, second=True)


def test_a_cancelled_case_does_not_stop_a_new_one(operator):
    first = _working_case("cancelled")

    new = services.case_open(customer=first.customer, handset=first.handset, symptom="audio",
                             actor=operator)

    assert new.number != first.number


def test_the_console_warns_and_links_to_the_case_at_work(operator_client):
    first = _working_case()

    response = operator_client.post(
        reverse("console:case_create", args=[first.customer.pk]),
        {"handset": first.handset.pk, "symptom": "audio", "description": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("console:case_detail", args=[first.number])}"' in page
    assert 'data-testid="open-case-link"' in page
    assert 'name="second"' not in page  # an operator is not offered the override
    assert Case.objects.count() == 1


def test_the_api_refuses_the_second_case_with_409_naming_the_open_case(catalogue):
    distributor = DistributorFactory(code="telco")
    api = APIClient()
    api.force_authenticate(make_distributor_user(distributor))
    first = api.post(reverse("api-case-list"), new_case_payload(), format="json").json()

    response = api.post(reverse("api-case-list"), new_case_payload(), format="json")

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "open_case_exists"
    assert response.json()["open_case"] == first["number"]
    assert first["number"] in response.json()["detail"]
    assert Case.objects.count() == 1


def _api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_supervisor_opens_a_second_case_through_the_api(catalogue, supervisor):
    api = _api_as(supervisor)
    first = api.post(reverse("api-case-list"), new_case_payload(), format="json").json()

    response = api.post(reverse("api-case-list"), new_case_payload(second_case=True),
                        format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["number"] != first["number"]
    assert Case.objects.count() == 2


def test_an_operator_asking_the_api_for_a_second_case_is_refused(catalogue, operator):
    api = _api_as(operator)
    api.post(reverse("api-case-list"), new_case_payload(), format="json")

    response = api.post(reverse("api-case-list"), new_case_payload(second_case=True),
                        format="json")

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "second_case_permission"
    assert Case.objects.count() == 1


def test_a_distributor_may_not_ask_for_a_second_case(catalogue):
    api = _api_as(make_distributor_user(DistributorFactory(code="telco")))
    api.post(reverse("api-case-list"), new_case_payload(), format="json")

    response = api.post(reverse("api-case-list"), new_case_payload(second_case=True),
                        format="json")

    assert response.status_code == 403, response.json()
    assert Case.objects.count() == 1


def test_the_api_documents_the_second_case_field_and_the_409(client, supervisor):
    client.force_login(supervisor)

    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    request = schema["components"]["schemas"]["CaseOpen"]["properties"]
    assert "second_case" in request
    assert "supervisor" in request["second_case"]["description"]
    responses = schema["paths"]["/api/v1/cases/"]["post"]["responses"]
    assert "409" in responses
