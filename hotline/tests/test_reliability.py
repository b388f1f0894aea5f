"""Regression tests of issue 17's server errors in the core: each input that once gave a 500
now gets a 400 naming the field (or works)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from hotline.jsonsafe import MAX_DEPTH, JsonTooDeep, loads
from hotline.models import Case, Customer
from hotline.tests.factories import CustomerFactory, make_distributor_user
from hotline.tests.test_api import new_case_payload
from hotline.validators import normalise_country, normalise_postcode, validate_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


@pytest.fixture
def distributor_api():
    client = APIClient()
    client.force_authenticate(make_distributor_user())
    return client


def test_the_customer_search_api_returns_a_match_with_its_phone_numbers(staff_api):
    customer = CustomerFactory(last_name="Dupont", phone="+33612345678")

    response = staff_api.get("/api/v1/customers/", {"q": "Dupont"})

    assert response.status_code == 200
    assert response.json()["results"] == [{
        "id": customer.pk, "first_name": "Camille", "last_name": "Dupont",
        "email": "dupont@example.org", "country": "FR", "language": "fr",
        "phones": ["+33612345678"]}]


@pytest.mark.parametrize("country", ["ZZ", "XX", "1", "F", "FRA", "é1"])
def test_a_case_opened_over_the_api_with_an_unknown_country_is_a_400_naming_it(
        distributor_api, catalogue, country):
    payload = new_case_payload()
    payload["customer"]["country"] = country

    response = distributor_api.post(reverse("api-case-list"), payload, format="json")

    assert response.status_code == 400
    assert "country" in response.json()["customer"]
    assert Customer.objects.count() == Case.objects.count() == 0


def test_a_french_postcode_of_letters_is_refused_over_the_api(distributor_api, catalogue):
    payload = new_case_payload()
    payload["customer"]["address"]["postcode"] = "ABCDE"

    response = distributor_api.post(reverse("api-case-list"), payload, format="json")

    assert response.status_code == 400
    assert "postcode" in response.json()["customer"]["address"]


def test_a_purchase_date_in_year_one_is_a_400(distributor_api, catalogue):
    response = distributor_api.post(reverse("api-case-list"),
                                    new_case_payload(purchase_date="0001-01-01"), format="json")

    assert response.status_code == 400
    assert "purchase_date" in response.json()


def test_a_json_body_nested_ten_thousand_deep_is_a_400(distributor_api):
    response = distributor_api.generic("POST", reverse("api-case-list"), "[" * 10_000,
                                       content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_json_nested_just_within_the_bound_parses_and_one_deeper_is_refused():
    within = "[" * MAX_DEPTH + "]" * MAX_DEPTH

    assert loads(within) is not None
    with pytest.raises(JsonTooDeep):
        loads("[" + within + "]")


def test_an_imei_in_arabic_indic_digits_is_read_as_its_ascii_digits(staff_api, catalogue):
    arabic = "".join(chr(0x0660 + int(d)) for d in "359991010000112")

    response = staff_api.get(f"/api/v1/imei/{arabic}/")

    assert response.status_code == 200
    assert response.json()["imei"] == "359991010000112"
    assert response.json()["valid"] is True


def test_superscript_digits_are_not_digits_of_an_imei():
    with pytest.raises(ValidationError) as raised:
        validate_imei("²" * 15)

    assert raised.value.error_list[0].code == "imei_not_digits"


def test_options_on_an_endpoint_without_a_serializer_class_is_not_an_error(staff_api):
    response = staff_api.options("/api/v1/cases/HL-2026-000001/diagnosis-runs/")

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["ZZ", "XX", "1", "", "EU", "UK"])
def test_country_codes_outside_iso_3166_are_refused(value):
    with pytest.raises(ValidationError):
        normalise_country(value)


def test_a_country_code_is_returned_in_upper_case():
    assert normalise_country(" be ") == "BE"


def test_a_postcode_for_an_unknown_country_is_refused_naming_the_country():
    with pytest.raises(ValidationError) as raised:
        normalise_postcode("75002", "ZZ")

    assert "ZZ" in raised.value.messages[0]


def test_the_console_customer_form_refuses_an_unknown_country(operator_client):
    response = operator_client.post(reverse("console:customer_create"), {
        "first_name": "Ana", "last_name": "Lopez", "country": "ZZ", "language": "fr",
        "phone": "0611223344", "street": "1 rue Haute", "postcode": "75001", "city": "Paris"})

    assert response.status_code == 200
    assert "ISO 3166" in response.content.decode()
    assert not Customer.objects.exists()


def test_json_depth_counts_objects_and_lists():
    assert json.loads('{"a": [{"b": []}]}') == {"a": [{"b": []}]}
    from hotline.jsonsafe import depth

    assert depth({"a": [{"b": []}]}) == 4
    assert depth("text") == 0
