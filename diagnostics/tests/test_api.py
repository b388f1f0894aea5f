"""The diagnostics API: applicable scripts, start, answer, back, result, refusals, figures."""

import pytest
from rest_framework.test import APIClient

from diagnostics.services import run_answer
from hotline.tests.factories import UserFactory, make_distributor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


def test_the_applicable_scripts_of_a_case_are_listed(api, sample, case):
    response = api.get(f"/api/v1/cases/{case.number}/scripts/")

    assert response.status_code == 200
    assert [(row["id"], row["script"], row["title"]) for row in response.json()] == [
        (sample.pk, "sample", "Sample")]


def test_a_run_is_started_on_a_case(api, sample, case):
    response = api.post(f"/api/v1/cases/{case.number}/diagnosis-runs/", {"version": sample.pk})

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["step"], body["current"]["id"], body["current"]["kind"]) == (
        "in_progress", 0, "q_swollen", "question")
    assert [choice["id"] for choice in body["current"]["choices"]] == ["swollen", "flat"]


def test_starting_a_second_run_is_refused_with_422(api, run, sample, case):
    response = api.post(f"/api/v1/cases/{case.number}/diagnosis-runs/", {"version": sample.pk})

    assert response.status_code == 422
    assert response.json()["code"] == "run_in_progress"


def test_an_answer_moves_the_run_on(api, run):
    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 0, "answer": "flat"})

    assert response.status_code == 200
    body = response.json()
    assert (body["step"], body["current"]["id"], body["current"]["unit"]) == (1, "m_health", "%")
    assert body["path"][0]["answer"] == "Flat"


def test_a_measured_value_is_sent_as_value(api, run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 1, "value": "72.5"},
                        format="json")

    assert response.json()["path"][1]["answer"] == "72.5 %"
    assert response.json()["status"] == "completed"


def test_an_answer_that_is_not_a_choice_is_refused_with_422(api, run):
    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 0, "answer": "x"})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid_answer", "answer")


def test_a_value_out_of_bounds_is_refused_with_422(api, run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 1, "value": "-3"})

    assert response.status_code == 422
    assert response.json()["code"] == "out_of_bounds"


def test_a_stale_step_is_refused_with_409(api, run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 0, "answer": "flat"})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_step"


def test_a_step_on_a_finished_run_is_refused_with_409(api, run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 1, "answer": "flat"})

    assert response.status_code == 409
    assert response.json()["code"] == "run_finished"


def test_an_answer_to_an_unknown_run_is_a_404(api, run):
    response = api.post(f"/api/v1/diagnosis-runs/{run.pk + 1000}/answer/",
                        {"step": 0, "answer": "flat"})

    assert response.status_code == 404
    assert response.json()["code"] == "no_such_run"


def test_an_answer_after_going_back_takes_the_next_place_in_the_record(api, run, operator):
    from diagnostics.services import run_back

    run_answer(run=run, step=0, answer="flat", actor=operator)
    run_back(run=run, to_step=0, actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 0, "answer": "flat"})

    assert response.status_code == 200
    assert list(run.steps.order_by("seq").values_list("seq", "discarded")) == [
        (1, True), (2, False)]
    assert [step["answer"] for step in response.json()["path"]] == ["Flat"]


def test_an_answer_without_step_is_refused_with_400(api, run):
    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"answer": "flat"})

    assert response.status_code == 400
    assert "step" in response.json()


def test_going_back_returns_to_the_earlier_step(api, run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/back/", {"step": 1, "to_step": 0})

    assert (response.json()["step"], response.json()["current"]["id"]) == (0, "q_swollen")


def test_the_result_of_a_completed_run(api, run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    response = api.get(f"/api/v1/diagnosis-runs/{run.pk}/result/")

    assert response.json() == {"status": "completed", "result": {
        "fault_code": "BAT-03", "fault_description": "Swollen battery",
        "warranty_covered": True, "action": "swap", "advice": "Swollen: swap."}}


def test_the_result_is_null_while_the_run_is_in_progress(api, run):
    response = api.get(f"/api/v1/diagnosis-runs/{run.pk}/result/")

    assert response.json() == {"status": "in_progress", "result": None}


def test_the_case_recommendation_endpoint(api, run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    response = api.get(f"/api/v1/cases/{run.case.number}/recommendation/")

    assert response.json()["fault_code"] == "BAT-03"
    assert response.json()["run"] == run.pk


def test_abandoning_through_the_api(api, run):
    response = api.post(f"/api/v1/diagnosis-runs/{run.pk}/abandon/", {"reason": "Line dropped"})

    assert (response.json()["status"], response.json()["abandon_reason"]) == (
        "abandoned", "Line dropped")


def test_a_distributor_may_not_run_scripts(run):
    client = APIClient()
    client.force_authenticate(make_distributor_user())

    response = client.get(f"/api/v1/diagnosis-runs/{run.pk}/")

    assert response.status_code == 403


def test_qa_reads_the_figures_of_a_script_version(run, operator):
    run_answer(run=run, step=0, answer="swollen", actor=operator)
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["qa"]))

    response = client.get(f"/api/v1/scripts/{run.version.pk}/stats/")

    body = response.json()
    assert (body["runs"], body["completed"], body["completion_rate"]) == (1, 1, 1.0)
    assert body["outcomes"][0]["fault_code"] == "BAT-03"
    assert body["nodes"][0]["answers"][0]["answer"] == "swollen"


def test_operators_may_not_read_the_figures(api, sample):
    response = api.get(f"/api/v1/scripts/{sample.pk}/stats/")

    assert response.status_code == 403


def test_qa_lists_the_script_versions_with_their_runs(run):
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["qa"]))

    response = client.get("/api/v1/scripts/")

    assert response.json()["results"][0]["runs"] == 1


def test_the_runs_of_a_case_are_listed_newest_first(api, run, operator):
    from diagnostics.services import run_abandon, run_start

    run_abandon(run=run, reason="Line dropped", actor=operator)
    newer = run_start(case=run.case, version=run.version, actor=operator)

    response = api.get(f"/api/v1/cases/{run.case.number}/diagnosis-runs/")

    assert [row["id"] for row in response.json()["results"]] == [newer.pk, run.pk]


def test_a_diagnostic_step_reads_the_database_a_fixed_small_number_of_times(
        api, run, sample, operator, django_assert_num_queries):
    """One answer (issue 18): the run locked and read with its script, case and fault code,
    the step stored (its number counted in the INSERT), the run moved on, its path read;
    plus the savepoint pair of the test's transaction. The same for any run."""
    from diagnostics.services import run_start
    from hotline.tests.factories import CaseFactory, HandsetFactory, HandsetModelFactory

    model = HandsetModelFactory(brand="Nordline", name="N7", family="N7")
    others = [run_start(case=CaseFactory(handset=HandsetFactory(model=model),
                                         symptom="battery_drain"), version=sample, actor=operator)
              for _ in range(2)]
    api.post(f"/api/v1/diagnosis-runs/{run.pk}/answer/", {"step": 0, "answer": "flat"})  # caches
    for one in others:
        with django_assert_num_queries(6):
            response = api.post(f"/api/v1/diagnosis-runs/{one.pk}/answer/",
                                {"step": 0, "answer": "flat"})
        assert response.status_code == 200
        assert response.json()["step"] == 1
