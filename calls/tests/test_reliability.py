"""Regression tests of issue 17 in calls: CTI bodies checked as strictly as forms, and the
staffing computation bounded whatever is asked."""

import pytest
from rest_framework.test import APIClient

from calls.erlang import LIMITS, MAX_AGENTS, StaffingError, erlang_b, staffing_required
from calls.models import Call
from calls.tests.factories import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/cti/events/"


@pytest.fixture
def cti(settings):
    settings.CALLS_CTI_TOKENS = ["s3cret-token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer s3cret-token")
    return client


@pytest.fixture
def staff_api(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def event(**extra):
    return {"event": "queued", "call_id": "1700.42", "at": at(0).isoformat(), "queue": "support",
            **extra}


@pytest.mark.parametrize("field", ["call_id", "queue", "agent", "event_id", "caller"])
def test_a_nul_byte_in_a_cti_event_is_a_400_naming_the_field(cti, field):
    response = cti.post(URL, event(**{field: "ab\x00c"}), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Call.objects.exists()


@pytest.mark.parametrize("moment", ["garbage", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                                    "2999-01-01T00:00:00Z"])
def test_a_bad_or_absurd_cti_time_is_a_400(cti, moment):
    response = cti.post(URL, event(at=moment), format="json")

    assert response.status_code == 400
    assert "at" in response.json()
    assert not Call.objects.exists()


def test_a_cti_body_nested_ten_thousand_deep_is_a_400(cti):
    response = cti.generic("POST", URL, "[" * 10_000, content_type="application/json")

    assert response.status_code == 400


def test_the_absurd_staffing_request_of_the_issue_is_a_400_naming_the_limits(staff_api):
    response = staff_api.get("/api/v1/calls/staffing/", {
        "calls": 100000, "interval": 1, "aht": 100000, "target": 0.999999})

    assert response.status_code == 400
    assert set(response.json()) >= {"interval", "target"}


def test_traffic_beyond_the_documented_bound_is_refused_even_when_each_input_is_within():
    with pytest.raises(StaffingError, match="Erlangs"):
        staffing_required(calls=LIMITS["calls"][1], interval_seconds=60, aht=36_000,
                          target=0.8, answer_within=20)


def test_the_largest_allowed_traffic_is_computed_and_stays_under_the_agent_bound():
    result = staffing_required(calls=5_000, interval_seconds=3_600, aht=3_600, target=0.999,
                               answer_within=0)

    assert 5_000 < result.agents <= MAX_AGENTS
    assert result.prediction.service_level >= 0.999


def test_a_tiny_maximum_occupancy_jumps_to_its_answer_instead_of_walking_there():
    result = staffing_required(calls=1_000, interval_seconds=3_600, aht=3_600, target=0.8,
                               answer_within=20, max_occupancy=0.1)

    assert result.agents == 10_000
    assert result.prediction.occupancy <= 0.1


def test_erlang_b_agrees_with_the_textbook_value():
    assert erlang_b(10, 5.0) == pytest.approx(0.018384, abs=1e-6)


@pytest.mark.parametrize("name,value", [("calls", -1), ("calls", 100_001), ("aht", 0),
                                        ("aht", 36_001), ("target", 0.9999),
                                        ("answer_within", 3_601), ("agents", 10_001)])
def test_each_staffing_input_beyond_its_limit_is_a_400_naming_it(staff_api, name, value):
    params = {"calls": 100, "interval": 1800, "aht": 300, name: value}

    response = staff_api.get("/api/v1/calls/staffing/", params)

    assert response.status_code == 400
    assert name in response.json()


def test_the_staffing_page_names_the_field_beyond_its_limit(client, supervisor):
    client.force_login(supervisor)

    response = client.get("/calls/staffing/", {"calls": 100, "interval": 1800, "aht": 999_999,
                                               "target": 0.8, "answer_within": 20,
                                               "shrinkage": 0})

    assert response.status_code == 200
    assert "36000" in response.content.decode().replace("\u202f", "").replace(",", "")
