import datetime

import pytest
import time_machine
from django.urls import reverse

from calls.models import CallCase
from calls.tests.factories import make_call, make_session
from hotline.figures import Figure
from hotline.models import Case, Profile
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(operator_client, operator):
    Profile.objects.update_or_create(user=operator, defaults={"agent_id": "Agent/1001"})
    return operator_client


def _live_call(**kwargs):
    from django.utils import timezone

    now = timezone.now()
    return make_call(base=now - datetime.timedelta(seconds=60), talk=None, **kwargs)


def test_the_screen_pop_shows_every_customer_with_the_callers_number(agent_client):
    CustomerFactory(first_name="Camille", last_name="Dupont", phone="+33612345678")
    CustomerFactory(first_name="Léa", last_name="Dupont", phone="+33612345678")
    _live_call(caller="0612345678")

    response = agent_client.get(reverse("calls:screen_pop"))

    assert response.status_code == 200
    assert "Camille Dupont" in response.text and "Léa Dupont" in response.text


def test_the_screen_pop_shows_the_open_cases_and_handsets(agent_client):
    customer = CustomerFactory(phone="+33612345678")
    handset = HandsetFactory(owner=customer)
    case = CaseFactory(customer=customer, handset=handset)
    _live_call()

    response = agent_client.get(reverse("calls:screen_pop"))

    assert case.number in response.text and handset.imei in response.text


def test_the_screen_pop_says_when_no_call_is_answered(agent_client):
    response = agent_client.get(reverse("calls:screen_pop"))

    assert "No call on Agent/1001" in response.text


def test_polling_answers_no_content_while_the_same_call_is_shown(agent_client):
    call = _live_call()

    response = agent_client.get(reverse("calls:screen_pop_current"),
                                {"shown": f"{call.pk}:0:False"})

    assert response.status_code == 204


def test_polling_returns_the_new_call(agent_client):
    _live_call(caller="0698765432")

    response = agent_client.get(reverse("calls:screen_pop_current"), {"shown": "none"})

    assert "+33698765432" in response.text


def test_open_case_from_the_screen_pop_links_the_new_case_to_the_call(agent_client):
    customer = CustomerFactory(phone="+33612345678")
    call = _live_call()

    response = agent_client.post(reverse("calls:open_case", args=[call.pk]), {
        "customer": customer.pk, "symptom": "battery_drain"})

    case = Case.objects.get(customer=customer)
    assert response.status_code == 302
    assert CallCase.objects.get(call=call).case == case


def test_continue_case_links_the_existing_case(agent_client):
    customer = CustomerFactory(phone="+33612345678")
    case = CaseFactory(customer=customer)
    call = _live_call()

    agent_client.post(reverse("calls:link_case", args=[call.pk]), {"case": case.number})

    assert list(call.cases.all()) == [case]


def test_continuing_a_case_of_another_customer_is_refused(agent_client):
    caller = CustomerFactory(phone="+33612345678")
    other = CaseFactory(customer=CustomerFactory())
    call = _live_call()
    call.customer = caller
    call.save()

    agent_client.post(reverse("calls:link_case", args=[call.pk]), {"case": other.number})

    assert not CallCase.objects.exists()


def test_the_case_page_lists_its_calls(agent_client):
    customer = CustomerFactory(phone="+33612345678")
    case = CaseFactory(customer=customer)
    call = _live_call()
    CallCase.objects.create(call=call, case=case)

    response = agent_client.get(reverse("console:case_detail", args=[case.number]))

    assert 'data-testid="calls-panel"' in response.text


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC), tick=False)
def test_the_wallboard_shows_the_seeded_figures(supervisor_client):
    from calls.tests.factories import T0

    make_session("Agent/1001", 0, None)
    make_call(wait=10, talk=100, wrapup=20)       # answered within 20 s
    make_call(queued=60, wait=40, talk=100, wrapup=20)  # answered late
    make_call(queued=120, abandoned=True, wait=30)
    make_call(queued=5 * 3600, wait=None, agent="")  # 14:00 Paris, 13:00 UTC: 2 h ago
    assert T0.utcoffset() == datetime.timedelta(hours=1)

    response = supervisor_client.get(reverse("calls:wallboard"))

    text = response.text
    assert 'data-testid="wb-waiting"' in text
    figures = _figures(text)
    assert figures["wb-waiting"] == "1"
    assert figures["wb-longest"] == "7200 s"
    assert figures["wb-sl"] == "50 %"
    assert figures["wb-asa"] == "25 s"
    assert figures["wb-aht"] == "120 s"
    assert figures["wb-abandon"] == "25 %"  # 1 abandon / 4 offered


def test_the_wallboard_shows_no_tile_for_figures_no_app_provides(supervisor_client, monkeypatch):
    from django.apps import apps

    monkeypatch.setattr(apps.get_app_config("exchanges"), "wallboard_figures", ())

    response = supervisor_client.get(reverse("calls:wallboard"))

    figures = _figures(response.text)
    assert "wb-outcome_swap" not in figures
    assert "wb-outcome_advice" in figures


def test_a_figure_its_provider_cannot_compute_shows_a_dash(supervisor_client, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("calls")
    monkeypatch.setattr(config, "wallboard_figures",
                        ("calls.tests.test_views.unknown_provider",), raising=False)

    response = supervisor_client.get(reverse("calls:wallboard"))

    assert _figures(response.text)["wb-unknown"] == "—"


def test_a_plugged_wallboard_figure_is_shown(supervisor_client, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("calls")
    monkeypatch.setattr(apps.get_app_config("exchanges"), "wallboard_figures", ())
    monkeypatch.setattr(config, "wallboard_figures", ("calls.tests.test_views.swaps_provider",),
                        raising=False)

    response = supervisor_client.get(reverse("calls:wallboard_figures"))

    assert _figures(response.text)["wb-outcome_swap"] == "7"


def swaps_provider():
    return [Figure(key="outcome_swap", label="Swaps ordered today", value=7)]


def unknown_provider():
    return [Figure(key="unknown", label="Not known yet", value=None)]


def test_an_operator_may_not_see_the_wallboard(operator_client):
    assert operator_client.get(reverse("calls:wallboard")).status_code == 403


def test_the_report_page_shows_the_total(supervisor_client):
    make_call()

    response = supervisor_client.get(reverse("calls:report"), {
        "start": "2026-03-02", "end": "2026-03-02", "interval": "1h", "group": "interval",
        "threshold": 20, "short_abandon": 5})

    assert 'data-testid="sla-total"' in response.text


def test_the_planner_shows_the_forecast_against_the_rostered_operators(supervisor_client,
                                                                      supervisor):
    from calls.models import Shift
    from calls.tests.factories import T0

    for week in range(1, 5):
        for n in range(8):
            make_call(queued=-week * 7 * 86400 + n * 200)
    Shift.objects.create(operator=supervisor, starts_at=T0, ends_at=T0 + datetime.timedelta(hours=8))

    response = supervisor_client.get(reverse("calls:planner"), {
        "day": "2026-03-02", "interval": 1800, "target": 0.8, "answer_within": 20,
        "shrinkage": 0.3, "weeks": 4})

    assert 'data-testid="plan-table"' in response.text
    assert "09:00–09:30" in response.text


def test_the_staffing_calculator_page_gives_the_published_answer(supervisor_client):
    response = supervisor_client.get(reverse("calls:staffing"), {
        "calls": 100, "interval": 1800, "aht": 180, "target": 0.8, "answer_within": 20,
        "shrinkage": 0.3})

    figures = _figures(response.text)
    assert (figures["agents"], figures["agents-shrinkage"]) == ("14", "20")


def _figures(html: str) -> dict:
    """Return data-testid -> the text of its value, for the wallboard and result pages."""
    import re

    found = {}
    for match in re.finditer(r'data-testid="([\w-]+)"[^>]*>(.*?)</(div|dd)>', html, re.S):
        inner = match.group(2)
        value = re.search(r'class="wb-value">(.*?)</span>', inner, re.S)
        text = value.group(1) if value else inner
        found[match.group(1)] = re.sub(r"<[^>]+>", "", text).strip()
    return found


@time_machine.travel(datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC), tick=False)
def test_the_wallboard_shows_the_same_figures_as_the_report_for_simulated_traffic(
        supervisor_client):
    from calls.forecast import day_start
    from calls.metrics import sla_report
    from calls.simulate import Profile, simulate

    simulate(days=1, seed=11, profile=Profile(calls_per_day=150))
    today = datetime.date(2026, 3, 2)
    total = sla_report(start=day_start(today), end=day_start(today + datetime.timedelta(days=1)),
                       group="total")["total"]

    figures = _figures(supervisor_client.get(reverse("calls:wallboard")).text)

    assert total["offered"] > 20
    assert figures["wb-offered"] == str(total["offered"])
    assert figures["wb-sl"] == f"{round(total['service_level'] * 100)} %"
    assert figures["wb-asa"] == f"{round(total['asa'])} s"
    assert figures["wb-aht"] == f"{round(total['aht'])} s"


def test_polling_the_same_call_costs_a_few_queries(agent_client, django_assert_max_num_queries):
    call = _live_call()
    agent_client.get(reverse("calls:screen_pop"))  # warm the session and the user

    with django_assert_max_num_queries(6):
        response = agent_client.get(reverse("calls:screen_pop_current"),
                                    {"shown": f"{call.pk}:0:False"})

    assert response.status_code == 204


@pytest.fixture
def french(agent_client):
    """Switch the console to French; give the test thread its language back afterwards (the
    locale middleware leaves the last request's language active in the thread)."""
    from django.utils import translation

    agent_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    yield agent_client
    translation.deactivate()


def test_the_screen_pop_speaks_french(french):
    response = french.get(reverse("calls:screen_pop"))

    assert "Aucun appel sur Agent/1001 pour le moment" in response.text


def test_the_wallboard_shows_the_exchanges_figures_for_swaps_and_visits(supervisor_client):
    response = supervisor_client.get(reverse("calls:wallboard"))

    figures = _figures(response.text)
    assert figures["wb-outcome_swap"] == "0"
    assert figures["wb-promises_late"] == "0"
