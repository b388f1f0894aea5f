"""Running a script on a case: start, answer, go back, abandon, and every refusal."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from diagnostics.models import ScriptRun
from diagnostics.selectors import case_recommendation, run_path, scripts_for_case
from diagnostics.services import (
    DiagnosisError,
    run_abandon,
    run_answer,
    run_back,
    run_start,
)
from diagnostics.tests.factories import SAMPLE, publish_sample
from hotline.errors import IllegalTransition, StaleObject
from hotline.models import AuditEvent
from hotline.services import case_cancel, case_start_diagnosis

pytestmark = pytest.mark.django_db


def test_starting_a_run_moves_an_open_case_to_diagnosing(sample, case, operator):
    run = run_start(case=case, version=sample, actor=operator)

    case.refresh_from_db()
    assert case.status == "diagnosing"
    assert (run.status, run.current_node, run.position) == ("in_progress", "q_swollen", 0)
    assert AuditEvent.objects.filter(case=case, action="start_diagnosis").exists()
    assert AuditEvent.objects.filter(case=case, action="diagnosis_started").exists()


def test_a_run_starts_on_a_case_already_being_diagnosed(sample, case, operator):
    case_start_diagnosis(case=case, actor=operator)

    run = run_start(case=case, version=sample, actor=operator)

    assert run.status == "in_progress"


def test_a_run_is_refused_on_a_cancelled_case(sample, case, operator):
    case_cancel(case=case, reason="duplicate", actor=operator)

    with pytest.raises(DiagnosisError, match="cancelled"):
        run_start(case=case, version=sample, actor=operator)


def test_a_second_run_is_refused_while_one_is_in_progress(run, sample, case, operator):
    with pytest.raises(DiagnosisError, match="already in progress"):
        run_start(case=case, version=sample, actor=operator)


def test_a_script_for_other_models_is_neither_offered_nor_started(fault_codes, case, operator):
    version = publish_sample(**{"models: all": 'models: ["Nordline N3 Lite"]'})

    assert version not in scripts_for_case(case=case)
    with pytest.raises(DiagnosisError, match="does not apply"):
        run_start(case=case, version=version, actor=operator)


def test_a_script_for_the_case_model_is_offered(fault_codes, case):
    version = publish_sample(**{"models: all": 'models: ["Nordline N5 Pro"]'})

    assert scripts_for_case(case=case) == [version]


def test_the_script_for_the_stated_symptom_is_offered_first(fault_codes, case):
    screen = publish_sample(**{"id: sample": "id: screen-sample", "symptom: battery_drain":
                               "symptom: screen"})
    battery = publish_sample()
    related = publish_sample(**{"id: sample": "id: heat", "symptom: battery_drain":
                                "symptom: overheating\nalso_for: [battery_drain]"})

    assert scripts_for_case(case=case) == [battery, related, screen]


def test_answering_a_question_moves_to_the_chosen_node(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    assert (run.current_node, run.position) == ("m_health", 1)
    assert [(s.node_id, s.answer) for s in run_path(run=run)] == [("q_swollen", "flat")]


def test_a_measurement_is_routed_by_its_range(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    run = run_answer(run=run, step=1, value=Decimal("91"), actor=operator)

    step = run.steps.get(position=1)
    assert (run.current_node, step.answer, step.value) == ("i_settings", "80-100", Decimal("91"))


def test_the_upper_bound_belongs_to_the_last_range(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    run = run_answer(run=run, step=1, value="100", actor=operator)

    assert run.current_node == "i_settings"


def test_reaching_an_outcome_completes_the_run_with_its_result(run, operator):
    with time_machine.travel(run.started_at + datetime.timedelta(seconds=95), tick=False):
        run = run_answer(run=run, step=0, answer="swollen", actor=operator)

    assert (run.status, run.fault_code_id, run.action) == ("completed", "BAT-03", "swap")
    assert run.duration_seconds == 95
    assert run.steps.get().seconds == 95
    assert AuditEvent.objects.filter(case=run.case, action="complete",
                                     target="completed").exists()


def test_the_case_recommendation_comes_from_the_latest_completed_run(run, operator):
    run = run_answer(run=run, step=0, answer="swollen", actor=operator)

    found = case_recommendation(case=run.case)

    assert (found.fault_code.code, found.action, found.advice, found.run_id) == (
        "BAT-03", "swap", "Swollen: swap.", run.pk)


def test_there_is_no_recommendation_while_the_run_is_in_progress(run):
    assert case_recommendation(case=run.case) is None


def test_an_answer_that_is_not_a_choice_is_refused_and_the_run_is_unchanged(run, operator):
    with pytest.raises(DiagnosisError, match="'maybe' is not an answer"):
        run_answer(run=run, step=0, answer="maybe", actor=operator)

    run.refresh_from_db()
    assert (run.current_node, run.position, run.steps.count()) == ("q_swollen", 0, 0)


def test_a_measurement_outside_its_bounds_is_refused_and_the_run_is_unchanged(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    with pytest.raises(DiagnosisError, match="outside the possible values"):
        run_answer(run=run, step=1, value="140", actor=operator)

    run.refresh_from_db()
    assert (run.current_node, run.position, run.steps.count()) == ("m_health", 1, 1)


def test_a_measurement_that_is_not_a_number_is_refused(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    with pytest.raises(DiagnosisError, match="as a number"):
        run_answer(run=run, step=1, answer="lots", actor=operator)


def test_a_stale_step_is_refused_and_the_run_is_unchanged(run, operator):
    run_answer(run=run, step=0, answer="flat", actor=operator)

    with pytest.raises(StaleObject, match="someone else answered first"):
        run_answer(run=run, step=0, answer="swollen", actor=operator)

    run.refresh_from_db()
    assert (run.current_node, run.position, run.steps.count()) == ("m_health", 1, 1)


def test_a_step_on_a_finished_run_is_refused(run, operator):
    run = run_answer(run=run, step=0, answer="swollen", actor=operator)

    with pytest.raises(IllegalTransition, match="takes no more steps"):
        run_answer(run=run, step=1, answer="flat", actor=operator)


def test_going_back_discards_later_answers_from_the_path_but_keeps_them(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run = run_answer(run=run, step=1, value="90", actor=operator)

    run = run_back(run=run, to_step=0, step=2, actor=operator)

    assert (run.current_node, run.position) == ("q_swollen", 0)
    assert run_path(run=run) == []
    assert list(run.steps.values_list("node_id", "discarded")) == [
        ("q_swollen", True), ("m_health", True)]


def test_after_going_back_a_new_answer_takes_another_branch(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run = run_back(run=run, to_step=0, step=1, actor=operator)

    run = run_answer(run=run, step=0, answer="swollen", actor=operator)

    assert (run.status, run.fault_code_id, run.steps.count()) == ("completed", "BAT-03", 2)


def test_going_back_to_a_step_not_yet_reached_is_refused(run, operator):
    with pytest.raises(DiagnosisError, match="no earlier step"):
        run_back(run=run, to_step=0, step=0, actor=operator)


def test_abandoning_records_the_reason_and_where(run, operator):
    run = run_answer(run=run, step=0, answer="flat", actor=operator)

    run = run_abandon(run=run, reason="Customer hung up", actor=operator)

    assert (run.status, run.abandon_reason, run.current_node) == (
        "abandoned", "Customer hung up", "m_health")
    assert run.finished_at is not None


def test_abandoning_without_a_reason_is_refused(run, operator):
    with pytest.raises(DiagnosisError, match="Say why"):
        run_abandon(run=run, reason="  ", actor=operator)


def test_an_abandoned_run_takes_no_more_steps(run, operator):
    run_abandon(run=run, reason="Customer hung up", actor=operator)

    with pytest.raises(IllegalTransition):
        run_back(run=run, to_step=0, actor=operator)


def test_publishing_a_new_version_leaves_past_runs_on_the_version_they_ran(run, operator):
    new = publish_sample(**{"Is it swollen?": "Is the battery swollen?"})

    run.refresh_from_db()
    assert (new.number, run.version.number) == (2, 1)
    assert run.version.node("q_swollen")["text"]["en"] == "Is it swollen?"


def test_an_outdated_version_cannot_be_started(sample, case, operator):
    publish_sample(**{"Is it swollen?": "Is the battery swollen?"})

    with pytest.raises(DiagnosisError, match="replaced by a newer version"):
        run_start(case=case, version=sample, actor=operator)


def test_publishing_the_same_text_again_creates_no_version(sample):
    again = publish_sample()

    assert again == sample


def test_a_broken_script_is_refused_on_publish(fault_codes):
    from diagnostics.scripts.lint import ScriptLintError

    with pytest.raises(ScriptLintError, match="sample.yaml:40: node 'o_settings': unknown "
                                              "fault code 'XX-1'"):
        publish_sample(SAMPLE.replace("BAT-02", "XX-1"))


def test_the_database_allows_one_run_in_progress_per_case(run):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ScriptRun.objects.create(case=run.case, version=run.version, current_node="q_swollen",
                                 node_entered_at=run.started_at, started_at=run.started_at)


def test_a_handset_of_unknown_model_is_offered_only_scripts_for_all_models(fault_codes, case):
    publish_sample(**{"models: all": 'models: ["Nordline N5 Pro"]'})
    everyone = publish_sample(**{"id: sample": "id: general"})
    case.handset.model = None
    case.handset.save()

    assert scripts_for_case(case=case) == [everyone]
