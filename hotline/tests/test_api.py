import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hotline.models import Case, Customer, Handset
from hotline.tests.factories import (
    CaseFactory,
    DistributorFactory,
    HandsetFactory,
    make_distributor_user,
)
from partners.services.public import public_case_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def distributor():
    return DistributorFactory(code="telco")


@pytest.fixture
def api(distributor):
    client = APIClient()
    client.force_authenticate(make_distributor_user(distributor))
    return client


def new_case_payload(**overrides):
    payload = {
        "imei": "359991010000112",
        "symptom": "wont_charge",
        "description": "Stopped charging after a week",
        "customer": {"first_name": "Ana", "last_name": "Lopez", "phone": "06 11 22 33 44",
                     "country": "FR", "language": "fr",
                     "address": {"street": "1 rue Haute", "postcode": "75001", "city": "Paris"}},
    }
    payload.update(overrides)
    return payload


def test_a_distributor_opens_a_case_for_a_new_customer(api, distributor, catalogue):
    response = api.post(reverse("api-case-list"), new_case_payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["distributor"] == "telco"
    assert body["handset"]["model"] == "Nordline N5"
    assert Handset.objects.get().sold_by == distributor


def test_a_bad_imei_is_a_400_naming_the_field_and_saves_nothing(api, catalogue):
    response = api.post(reverse("api-case-list"), new_case_payload(imei="359991010000113"),
                        format="json")

    assert response.status_code == 400
    assert "check digit" in response.json()["imei"][0]
    assert Customer.objects.count() == Case.objects.count() == 0


def test_a_bad_phone_and_postcode_are_reported_on_their_fields(api, catalogue):
    payload = new_case_payload()
    payload["customer"]["phone"] = "12"
    payload["customer"]["address"]["postcode"] = "7500"

    response = api.post(reverse("api-case-list"), payload, format="json")

    assert response.status_code == 400
    errors = response.json()["customer"]
    assert "phone" in errors and "postcode" in errors["address"]


def test_an_unknown_tac_without_a_model_is_a_400_on_the_model(api, catalogue):
    response = api.post(reverse("api-case-list"), new_case_payload(imei="490154203237518"),
                        format="json")

    assert response.status_code == 400
    assert "pick the handset model" in response.json()["model"][0]
    assert Customer.objects.count() == 0


def test_a_distributor_sees_only_its_own_cases(api, distributor):
    mine = CaseFactory(distributor=distributor)
    sold_by_me = CaseFactory(handset=HandsetFactory(sold_by=distributor))
    CaseFactory()

    response = api.get(reverse("api-case-list"))

    numbers = {case["number"] for case in response.json()["results"]}
    assert numbers == {mine.number, sold_by_me.number}


def test_another_distributors_case_is_a_404(api):
    other = CaseFactory(distributor=DistributorFactory(code="other"))

    response = api.get(reverse("api-case-detail", args=[other.number]))

    assert response.status_code == 404


def test_an_operator_reads_any_case_and_checks_an_imei(operator, catalogue):
    client = APIClient()
    client.force_authenticate(operator)
    case = CaseFactory()

    detail = client.get(reverse("api-case-detail", args=[case.number]))
    imei = client.get(reverse("api-imei", args=["359991010000112"]))

    assert detail.json()["number"] == case.number
    assert imei.json()["model"] == "N5"


def test_anonymous_callers_are_refused():
    assert APIClient().get(reverse("api-case-list")).status_code in (401, 403)


def test_a_distributor_user_without_a_distributor_is_refused(db):
    from hotline.tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(roles=["distributor"]))

    assert client.get(reverse("api-case-list")).status_code == 403


def test_the_openapi_schema_renders(operator):
    client = APIClient()
    client.force_authenticate(operator)

    response = client.get(reverse("api-schema"))

    assert response.status_code == 200
    assert b"/api/v1/cases/" in response.content


def test_a_distributor_cannot_open_or_reopen_a_case_on_another_distributors_handset(api):
    other = DistributorFactory(code="rival")
    handset = HandsetFactory(sold_by=other)
    CaseFactory(handset=handset, customer=handset.owner, distributor=other)
    payload = new_case_payload(imei=handset.imei)
    payload["customer"]["last_name"] = handset.owner.last_name

    response = api.post(reverse("api-case-list"), payload, format="json")

    assert response.status_code == 422
    assert "call the hotline" in response.json()["detail"]
    assert Case.objects.count() == 1


def test_a_wrong_owner_name_gets_the_same_answer_as_an_unknown_distributor(api, distributor):
    handset = HandsetFactory(sold_by=distributor)

    response = api.post(reverse("api-case-list"), new_case_payload(imei=handset.imei),
                        format="json")

    assert response.status_code == 422
    assert "call the hotline" in response.json()["detail"]


def test_a_distributor_opens_a_new_case_rather_than_reopen_another_distributors(
    api, distributor,
):
    from hotline.services import case_open

    rival = DistributorFactory(code="rival")
    handset = HandsetFactory(sold_by=rival)
    CaseFactory(handset=handset, customer=handset.owner, distributor=distributor,
                status="closed")
    rival_case = case_open(customer=handset.owner, handset=handset, symptom="screen",
                           distributor=rival)
    Case.objects.filter(pk=rival_case.pk).update(status="resolved",
                                                 settled_at=rival_case.created_at)
    payload = new_case_payload(imei=handset.imei)
    payload["customer"]["last_name"] = handset.owner.last_name

    response = api.post(reverse("api-case-list"), payload, format="json")

    assert response.status_code == 201
    assert response.json()["number"] not in (rival_case.number,)
    assert response.json()["distributor"] == distributor.code
    rival_case.refresh_from_db()
    assert rival_case.status == "resolved"


def test_the_case_status_api_reads_the_database_a_fixed_small_number_of_times(
        operator, catalogue, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(operator)
    cases = [CaseFactory() for _ in range(3)]
    client.get(reverse("api-case-detail", args=[cases[0].number]))  # warm caches

    # A case whose public view is not stored yet (none of these: no change was refreshed) is
    # answered live: the look-up of the stored view, then the case, one query per kind of
    # service order, the quotes and the audit trail (a case with a parcel adds its tracking
    # events: partners/tests/test_api_costs.py). The same for every case.
    for case in cases:
        with django_assert_num_queries(8):
            response = client.get(reverse("api-case-detail", args=[case.number]))
        assert response.status_code == 200
    # Once its view is stored (after its first refresh), one statement whatever it holds.
    for case in cases:
        public_case_refresh(case_id=case.pk)
        with django_assert_num_queries(1):
            response = client.get(reverse("api-case-detail", args=[case.number]))
        assert response.status_code == 200
        assert response.json()["number"] == case.number
