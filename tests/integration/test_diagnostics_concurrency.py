"""On PostgreSQL: two operators answering the same step at once, two starting a run at once,
and the figures computed by the database."""


import pytest

from diagnostics.models import ScriptRun, ScriptStep
from diagnostics.reference import fault_codes_load
from diagnostics.scripts.files import default_folder
from diagnostics.selectors import version_stats
from diagnostics.services import run_answer, run_start, scripts_publish_files
from hotline.errors import DomainError
from hotline.services import case_start_diagnosis
from hotline.tests.factories import CaseFactory, UserFactory
from tests.integration.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)




@pytest.fixture
def version():
    fault_codes_load()
    [(found, _created)] = scripts_publish_files(paths=[default_folder() / "battery-drain.yaml"])
    return found


def test_only_one_of_two_simultaneous_answers_to_a_step_is_taken(version):
    operators = [UserFactory(roles=["operator"]) for _ in range(2)]
    run = run_start(case=CaseFactory(), version=version, actor=operators[0])

    results, errors = run_concurrently(2, lambda i: run_answer(
        run=ScriptRun.objects.get(pk=run.pk), step=0, answer="flat", actor=operators[i]))

    assert len(errors) == 1 and "someone else answered first" in str(errors[0])
    assert ScriptStep.objects.filter(run=run).count() == 1


@pytest.mark.parametrize("diagnosing", [False, True], ids=["open case", "diagnosing case"])
def test_only_one_of_two_simultaneous_starts_on_a_case_succeeds(version, diagnosing):
    operators = [UserFactory(roles=["operator"]) for _ in range(2)]
    case = CaseFactory()
    if diagnosing:
        case_start_diagnosis(case=case, actor=operators[0])

    results, errors = run_concurrently(2, lambda i: run_start(
        case=type(case).objects.get(pk=case.pk), version=version, actor=operators[i]))

    assert ScriptRun.objects.filter(case=case).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], DomainError)


def test_the_90th_percentile_is_computed_on_postgresql(version):
    operator = UserFactory(roles=["operator"])
    for seconds in range(10, 110, 10):
        run = run_start(case=CaseFactory(), version=version, actor=operator)
        run = run_answer(run=run, step=0, answer="swollen", actor=operator)
        ScriptRun.objects.filter(pk=run.pk).update(duration_seconds=seconds)

    stats = version_stats(version=version)

    assert (stats["runs"], stats["avg_seconds"], stats["p90_seconds"]) == (10, 55, 90)
