"""The partner API's cases: public view, look-ups, validated filters, cursor, references,
idempotent POSTs."""

import pytest
from django.urls import reverse

from hotline.models import Case
from hotline.tests.factories import DistributorFactory
from hotline.workflow import record_event
from partners.models import IdempotentRequest
from partners.tests.factories import api_key, case_opened_by, case_sold_by

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


def new_case(**overrides):
    payload = {
        "imei": "359991010000112", "symptom": "wont_charge", "description": "Stopped charging",
        "customer": {"first_name": "Ana", "last_name": "Lopez", "phone": "06 11 22 33 44",
                     "country": "FR", "language": "fr",
                     "address": {"street": "1 rue Haute", "postcode": "75001", "city": "Paris"}},
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def telco():
    return DistributorFactory(code="telco", name="Telco")


@pytest.fixture
def api(telco, key_client, catalogue):
    _key, secret = api_key(telco)
    return key_client(secret)


def test_a_case_reads_in_the_public_vocabulary_with_no_internal_word(api, telco):
    case = case_opened_by(telco, status="in_service")
    record_event(case, action="note", reason="operator's private note", target="")

    body = api.get(reverse("api-case-detail", args=[case.number])).json()

    assert body["status"] == "service_pending"
    assert body["status_label"] == "Service being arranged"
    assert body["internal_status"] is None
    assert "in_service" not in str(body) and "private note" not in str(body)
    assert body["timeline"][-1]["status"] == "service_pending"


def test_a_distributor_finds_its_case_by_imei(api, telco):
    case = case_sold_by(telco)
    case_sold_by(telco)

    body = api.get(LIST, {"imei": case.handset.imei}).json()

    assert [c["number"] for c in body["results"]] == [case.number]


def test_an_unknown_filter_is_a_400_naming_it(api):
    response = api.get(LIST, {"colour": "red"})

    assert response.status_code == 400
    assert "colour" in response.json()


def test_a_status_outside_the_vocabulary_is_a_400_on_status(api):
    response = api.get(LIST, {"status": "in_service"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_a_bad_updated_since_is_a_400_on_it(api):
    response = api.get(LIST, {"updated_since": "yesterday"})

    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_the_list_filters_by_public_status(api, telco):
    diagnosing = case_opened_by(telco, status="diagnosing", public=True)
    case_opened_by(telco, status="open", public=True)

    body = api.get(LIST, {"status": "diagnosing"}).json()

    assert [c["number"] for c in body["results"]] == [diagnosing.number]


def test_listing_writes_nothing_and_shows_a_case_still_without_its_view_as_it_is(
        api, telco):
    from partners.models import PublicCase

    fresh = case_opened_by(telco, status="diagnosing")  # its refresh has not run yet

    body = api.get(LIST).json()

    assert [(c["number"], c["status"]) for c in body["results"]] == [
        (fresh.number, "diagnosing")]
    assert not PublicCase.objects.exists()


def test_the_beat_gives_a_view_only_to_cases_quiet_for_long_enough(telco, settings):
    import datetime

    import time_machine
    from django.utils import timezone

    from partners.models import PublicCase
    from partners.selectors import public_cases_fill

    settings.PARTNERS_PUBLIC_FILL_AFTER_MINUTES = 60
    old = case_opened_by(telco, status="diagnosing")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61), tick=False):
        recent = case_opened_by(telco, status="open")

        # The recent one is its own refresh's to make: that one tells the distributors.
        assert public_cases_fill() == 1

    assert list(PublicCase.objects.values_list("case_id", flat=True)) == [old.pk]
    assert PublicCase.objects.get(case=old).status == "diagnosing"
    assert not PublicCase.objects.filter(case=recent).exists()


def test_the_list_pages_with_a_cursor(api, telco):
    for _index in range(3):
        case_opened_by(telco)

    first = api.get(LIST, {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert second["next"] is None


def test_a_post_sets_the_distributors_reference_and_it_finds_the_case(api):
    created = api.post(LIST, new_case(external_reference="PO-1"), format="json")

    found = api.get(reverse("api-case-by-reference", args=["PO-1"]))

    assert created.status_code == 201
    assert created.json()["external_reference"] == "PO-1"
    assert created.json()["status"] == "received"
    assert found.json()["number"] == created.json()["number"]


def test_a_reference_is_unique_per_distributor_only(api, key_client):
    api.post(LIST, new_case(external_reference="PO-1"), format="json")
    _key, other_secret = api_key(DistributorFactory(code="other"))

    again = api.post(LIST, new_case(imei="359991010000120", external_reference="PO-1"),
                     format="json")
    other = key_client(other_secret).post(
        LIST, new_case(imei="359991010000138", external_reference="PO-1"), format="json")

    assert again.status_code == 400 and again.json()["field"] == "external_reference"
    assert other.status_code == 201


def test_another_distributors_reference_is_a_404(api, key_client):
    api.post(LIST, new_case(external_reference="PO-1"), format="json")
    _key, other_secret = api_key(DistributorFactory(code="other"))

    response = key_client(other_secret).get(reverse("api-case-by-reference", args=["PO-1"]))

    assert response.status_code == 404


def test_the_same_post_twice_with_one_key_opens_one_case_and_answers_the_same(api):
    first = api.post(LIST, new_case(), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    second = api.post(LIST, new_case(), format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api):
    api.post(LIST, new_case(), format="json", HTTP_IDEMPOTENCY_KEY="abc")

    response = api.post(LIST, new_case(description="other"), format="json",
                        HTTP_IDEMPOTENCY_KEY="abc")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_a_refused_post_frees_its_key_for_a_corrected_retry(api):
    bad = api.post(LIST, new_case(imei="123"), format="json", HTTP_IDEMPOTENCY_KEY="k1")

    good = api.post(LIST, new_case(imei="123"), format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert bad.status_code == good.status_code == 400
    assert not IdempotentRequest.objects.filter(key="k1").exists()


def test_keys_are_kept_a_day_at_least(api, settings, time_machine):
    time_machine.move_to("2026-12-07 09:00Z")
    api.post(LIST, new_case(), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    time_machine.move_to("2026-12-08 08:59Z")

    again = api.post(LIST, new_case(), format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_an_operator_sees_the_internal_status_too(operator_client, telco):
    case = case_opened_by(telco, status="awaiting_consent")

    body = operator_client.get(reverse("api-case-detail", args=[case.number])).json()

    assert body["status"] == "awaiting_customer"
    assert body["internal_status"] == "awaiting_consent"
