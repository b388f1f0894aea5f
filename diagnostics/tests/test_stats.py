"""Figures per script version, computed in the database."""

import datetime

import pytest
import time_machine

from diagnostics.models import ScriptRun
from diagnostics.selectors import version_stats
from diagnostics.services import run_abandon, run_answer, run_back, run_start
from hotline.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def walk(version, operator, case, *, seconds, answers):
    """Run `answers` on a new run, `seconds` after it started."""
    run = run_start(case=case, version=version, actor=operator)
    with time_machine.travel(run.started_at + datetime.timedelta(seconds=seconds), tick=False):
        for step, answer in enumerate(answers):
            run = run_answer(run=run, step=step, answer=answer, actor=operator)
    return run


def test_duration_average_and_90th_percentile(sample, case, operator):
    for seconds in [60, 120, 180, 240, 300, 360, 420, 480, 540, 600]:
        walk(sample, operator, CaseFactory(handset=case.handset), seconds=seconds,
             answers=["swollen"])

    stats = version_stats(version=sample)

    assert (stats["runs"], stats["avg_seconds"], stats["p90_seconds"]) == (10, 330, 540)


def test_the_completion_rate_counts_finished_runs(sample, case, operator):
    walk(sample, operator, case, seconds=60, answers=["swollen"])
    other = run_start(case=CaseFactory(handset=case.handset), version=sample, actor=operator)
    run_abandon(run=other, reason="Customer hung up", actor=operator)
    run_start(case=CaseFactory(handset=case.handset), version=sample, actor=operator)

    stats = version_stats(version=sample)

    assert (stats["completed"], stats["abandoned"], stats["in_progress"]) == (1, 1, 1)
    assert stats["completion_rate"] == 0.5


def test_the_outcome_distribution(sample, case, operator):
    walk(sample, operator, case, seconds=60, answers=["swollen"])
    walk(sample, operator, CaseFactory(handset=case.handset), seconds=60, answers=["swollen"])
    run = run_start(case=CaseFactory(handset=case.handset), version=sample, actor=operator)
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run_answer(run=run, step=1, value="50", actor=operator)

    outcomes = version_stats(version=sample)["outcomes"]

    assert [(row["fault_code"], row["action"], row["count"]) for row in outcomes] == [
        ("BAT-03", "swap", 2), ("BAT-01", "swap", 1)]


def test_answers_per_node_count_changed_answers_too(sample, case, operator):
    run = run_start(case=case, version=sample, actor=operator)
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run = run_back(run=run, to_step=0, step=1, actor=operator)
    run_answer(run=run, step=0, answer="swollen", actor=operator)

    node = version_stats(version=sample)["nodes"][0]

    assert node["id"] == "q_swollen"
    assert {(row["answer"], row["count"], row["discarded"]) for row in node["answers"]} == {
        ("flat", 1, 1), ("swollen", 1, 0)}


def test_where_operators_abandon(sample, case, operator):
    run = run_start(case=case, version=sample, actor=operator)
    run = run_answer(run=run, step=0, answer="flat", actor=operator)
    run_abandon(run=run, reason="No battery app", actor=operator)

    nodes = {node["id"]: node for node in version_stats(version=sample)["nodes"]}

    assert (nodes["m_health"]["abandoned"], nodes["q_swollen"]["abandoned"]) == (1, 0)


def test_a_version_without_runs_has_empty_figures(sample):
    stats = version_stats(version=sample)

    assert (stats["runs"], stats["completion_rate"], stats["p90_seconds"]) == (0, None, None)
    assert not ScriptRun.objects.exists()
