"""Every (state, transition) pair of the Case machine: allowed pairs reach their target and write
an audit event; the others are refused with the current state named."""

import pytest

from hotline.diagram import case_machine_markdown
from hotline.errors import IllegalTransition, PermissionRefused
from hotline.models import AuditEvent, CaseStatus
from hotline.tests.factories import CaseFactory
from hotline.workflow import transition

# The machine as the issue specifies it, written out independently of the code.
ALLOWED = {
    ("open", "start_diagnosis"): "diagnosing",
    ("open", "cancel"): "cancelled",
    ("diagnosing", "advise"): "advised",
    ("diagnosing", "await_consent"): "awaiting_consent",
    ("diagnosing", "start_service"): "in_service",
    ("diagnosing", "refer"): "referred",
    ("diagnosing", "cancel"): "cancelled",
    ("awaiting_consent", "consent"): "in_service",
    ("awaiting_consent", "decline"): "declined",
    ("awaiting_consent", "expire_quote"): "declined",
    ("awaiting_consent", "revise"): "diagnosing",
    ("awaiting_consent", "cancel"): "cancelled",
    ("in_service", "resolve"): "resolved",
    ("in_service", "cancel_in_service"): "cancelled",
    ("advised", "close"): "closed",
    ("advised", "reopen"): "diagnosing",
    ("advised", "revise"): "diagnosing",
    ("referred", "close"): "closed",
    ("referred", "reopen"): "diagnosing",
    ("referred", "revise"): "diagnosing",
    ("referred", "cancel"): "cancelled",
    ("referred", "resolve_referral"): "resolved",
    ("referred", "settle_referral"): "referred",
    ("declined", "close"): "closed",
    ("declined", "reopen"): "diagnosing",
    ("resolved", "close"): "closed",
    ("resolved", "reopen"): "diagnosing",
}
TRANSITIONS = sorted({name for _state, name in ALLOWED})
PAIRS = [(state, name) for state in CaseStatus.values for name in TRANSITIONS]


@pytest.mark.parametrize(("state", "name"), [p for p in PAIRS if p in ALLOWED])
def test_an_allowed_transition_reaches_its_target_and_writes_an_event(state, name, supervisor):
    case = CaseFactory(status=state)

    transition(case, name, actor=supervisor, reason="test")

    case.refresh_from_db()
    assert case.status == ALLOWED[(state, name)]
    event = AuditEvent.objects.get(case=case, action=name)
    assert (event.source, event.target, event.actor) == (state, ALLOWED[(state, name)], supervisor)


@pytest.mark.parametrize(("state", "name"), [p for p in PAIRS if p not in ALLOWED])
def test_a_transition_the_state_does_not_allow_is_refused(state, name, supervisor):
    case = CaseFactory(status=state)

    with pytest.raises(IllegalTransition) as refused:
        transition(case, name, actor=supervisor)

    case.refresh_from_db()
    assert case.status == state
    assert f"({state})" in refused.value.message and "allowed now" in refused.value.message
    assert not AuditEvent.objects.filter(case=case, action=name).exists()


@pytest.mark.parametrize(("state", "name"), [
    ("in_service", "cancel_in_service"), ("advised", "revise"), ("awaiting_consent", "revise"),
    ("referred", "revise"),
])
def test_an_operator_may_not_run_a_supervisor_transition(state, name, operator):
    case = CaseFactory(status=state)

    with pytest.raises(PermissionRefused):
        transition(case, name, actor=operator)

    case.refresh_from_db()
    assert case.status == state


def test_the_machine_declares_exactly_the_specified_transitions():
    from hotline.diagram import case_transitions

    declared = {(source, name): target for source, target, name, _perm in case_transitions()}

    assert declared == ALLOWED


def test_the_committed_diagram_matches_the_code(settings):
    from pathlib import Path

    committed = (Path(settings.BASE_DIR) / "docs" / "case-machine.md").read_text()

    assert committed == case_machine_markdown()


def test_settling_a_case_starts_its_follow_up_window(operator):
    case = CaseFactory(status="diagnosing")

    transition(case, "advise", actor=operator)

    assert case.settled_at is not None


def test_the_diagram_command_check_fails_when_the_file_is_stale(tmp_path):
    from django.core.management import call_command

    stale = tmp_path / "case-machine.md"
    stale.write_text("old")

    with pytest.raises(SystemExit):
        call_command("case_diagram", output=str(stale), check=True, stderr=open("/dev/null", "w"))


def test_a_refusal_names_the_actions_as_people_do_in_their_language(supervisor):
    from django.utils import translation

    case = CaseFactory(status="open")

    with translation.override("fr"), pytest.raises(IllegalTransition) as refused:
        transition(case, "resolve", actor=supervisor)

    message = refused.value.message
    assert "« Résolue »" in message
    assert "start_diagnosis" not in message and "start diagnosis" not in message
    assert "Diagnostic commencé" in message  # what is allowed now, by its human name
