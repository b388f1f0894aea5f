import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from calls.models import Call, CallEvent, Outcome
from calls.tests.factories import T0, at, make_call

pytestmark = pytest.mark.django_db
URL = "/api/v1/cti/events/"


@pytest.fixture
def cti(settings):
    settings.CALLS_CTI_TOKENS = ["old-secret", "s3cret-token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer s3cret-token")
    return client


def _event(kind, seconds, **extra):
    return {"event": kind, "call_id": "1700.42", "at": at(seconds).isoformat(), **extra}


def test_an_event_without_a_token_is_refused(settings):
    settings.CALLS_CTI_TOKENS = ["s3cret-token"]

    response = APIClient().post(URL, _event("queued", 0), format="json")

    assert response.status_code in (401, 403)
    assert not Call.objects.exists()


def test_an_event_with_a_wrong_token_is_refused(settings):
    settings.CALLS_CTI_TOKENS = ["s3cret-token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer s3cret-tokem")

    assert client.post(URL, _event("queued", 0), format="json").status_code == 403


def test_no_configured_token_refuses_everything(settings):
    settings.CALLS_CTI_TOKENS = []
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ")

    assert client.post(URL, _event("queued", 0), format="json").status_code == 403


def test_a_queued_event_creates_the_call(cti):
    response = cti.post(URL, _event("queued", 0, queue="hotline", caller="0612345678"),
                        format="json")

    assert response.status_code == 202
    assert Call.objects.get(telephony_id="1700.42").caller_number == "+33612345678"


def test_any_configured_token_is_accepted(cti):
    cti.credentials(HTTP_X_CTI_TOKEN="old-secret")

    assert cti.post(URL, _event("queued", 0), format="json").status_code == 202


def test_a_batch_out_of_order_with_a_duplicate_builds_the_call_once(cti):
    batch = [_event("ended", 130, agent="Agent/1001"), _event("answered", 10, agent="Agent/1001"),
             _event("queued", 0, queue="hotline"), _event("answered", 10, agent="Agent/1001")]

    response = cti.post(URL, batch, format="json")

    assert [item["created"] for item in response.json()["results"]] == [True, True, True, False]
    call = Call.objects.get()
    assert (call.wait_seconds, call.talk_seconds, call.outcome) == (10, 120, Outcome.ANSWERED)
    assert CallEvent.objects.count() == 3


def test_an_event_id_makes_a_resent_event_a_duplicate(cti):
    cti.post(URL, _event("queued", 0, event_id="ev-1"), format="json")

    response = cti.post(URL, _event("queued", 0, event_id="ev-1"), format="json")

    assert response.json()["results"][0]["created"] is False


def test_an_abandon_with_its_reason(cti):
    cti.post(URL, [_event("queued", 0), _event("abandoned", 300, reason="timeout")],
             format="json")

    assert Call.objects.get().outcome == Outcome.TIMEOUT


def test_an_unknown_event_is_a_400_naming_the_field(cti):
    response = cti.post(URL, _event("exploded", 0), format="json")

    assert response.status_code == 400
    assert "event" in json.dumps(response.json())


def test_an_agent_event_needs_the_agent(cti):
    response = cti.post(URL, {"event": "login", "at": T0.isoformat()}, format="json")

    assert response.status_code == 400


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_the_sla_api_gives_the_same_figures_as_the_command(supervisor_client):
    make_call(wait=10)
    make_call(abandoned=True, wait=30)
    params = {"start": T0.isoformat(), "end": at(86400).isoformat(), "interval": "1h"}
    out = StringIO()
    call_command("sla_report", "--start", params["start"], "--end", params["end"],
                 "--interval", "1h", "--json", stdout=out)

    response = supervisor_client.get("/api/v1/calls/sla/", params)

    assert response.status_code == 200
    assert response.json()["total"] == json.loads(out.getvalue())["total"]


def test_the_sla_api_refuses_an_unknown_interval(supervisor_client):
    response = supervisor_client.get("/api/v1/calls/sla/", {
        "start": T0.isoformat(), "end": at(3600).isoformat(), "interval": "7m"})

    assert response.status_code == 400


def test_the_staffing_api_gives_the_published_answer(supervisor_client):
    response = supervisor_client.get("/api/v1/calls/staffing/", {
        "calls": 100, "interval": 1800, "aht": 180, "target": 0.8, "answer_within": 20,
        "shrinkage": 0.3})

    assert (response.json()["agents"], response.json()["agents_with_shrinkage"]) == (14, 20)


def test_the_wallboard_api_lists_the_agents(client, supervisor):
    client.force_login(supervisor)
    make_call(talk=None)

    response = client.get("/api/v1/calls/wallboard/")

    assert response.json()["agents"]["on_call"] == 1


def test_an_operator_may_not_read_per_operator_figures_over_the_api(operator_client):
    params = {"start": T0.isoformat(), "end": at(3600).isoformat(), "group": "operator"}

    assert operator_client.get("/api/v1/calls/sla/", params).status_code == 403
    assert operator_client.get("/api/v1/calls/wallboard/").status_code == 403


def test_agent_events_through_the_api_set_the_agents_state(cti):
    from calls.models import AgentState, AgentStatus

    cti.post(URL, [{"event": "login", "agent": "Agent/1002", "at": at(0).isoformat()},
                   {"event": "paused", "agent": "Agent/1002", "at": at(60).isoformat()}],
             format="json")

    assert AgentState.objects.get(agent_id="Agent/1002").status == AgentStatus.PAUSED


def test_hold_and_resume_through_the_api_count_as_hold_time(cti):
    cti.post(URL, [_event("queued", 0), _event("answered", 5, agent="Agent/1001"),
                   _event("held", 30, agent="Agent/1001"),
                   _event("resumed", 75, agent="Agent/1001"),
                   _event("ended", 200, agent="Agent/1001")], format="json")

    call = Call.objects.get()
    assert (call.hold_seconds, call.talk_seconds) == (45, 150)


def test_a_batch_of_more_than_500_events_is_refused(cti):
    response = cti.post(URL, [_event("queued", n) for n in range(501)], format="json")

    assert response.status_code == 400
    assert not Call.objects.exists()
