"""ScriptRun's state machine, over every (state, transition) pair."""

import pytest

from diagnostics.models import RunStatus
from diagnostics.services import run_abandon, run_answer
from hotline.errors import IllegalTransition
from hotline.models import AuditEvent
from hotline.workflow import transition

pytestmark = pytest.mark.django_db

ALLOWED = {
    (RunStatus.IN_PROGRESS, "complete"): RunStatus.COMPLETED,
    (RunStatus.IN_PROGRESS, "abandon"): RunStatus.ABANDONED,
}
PAIRS = [(state, name) for state in RunStatus.values for name in ("complete", "abandon")]


def in_state(run, state, operator):
    if state == RunStatus.COMPLETED:
        return run_answer(run=run, step=0, answer="swollen", actor=operator)
    if state == RunStatus.ABANDONED:
        return run_abandon(run=run, reason="Line dropped", actor=operator)
    return run


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_each_transition_from_each_state(run, operator, state, name):
    run = in_state(run, state, operator)
    events = AuditEvent.objects.filter(action=name).count()

    if (state, name) in ALLOWED:
        if name == "complete":
            run.fault_code_id, run.action = "BAT-03", "swap"
        else:
            run.abandon_reason = "Line dropped"
        transition(run, name, actor=operator)
        run.refresh_from_db()
        assert run.status == ALLOWED[(state, name)]
        assert AuditEvent.objects.filter(action=name).count() == events + 1
    else:
        with pytest.raises(IllegalTransition):
            transition(run, name, actor=operator)
        assert AuditEvent.objects.filter(action=name).count() == events
