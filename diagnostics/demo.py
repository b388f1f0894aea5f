"""Demo data: the fault catalogue, the shipped scripts, and a few finished runs for QA pages."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from diagnostics.models import ScriptRun, ScriptStep, ScriptVersion
from diagnostics.reference import fault_codes_load
from diagnostics.scripts import tree as t
from diagnostics.scripts.files import default_folder, script_files
from diagnostics.services import run_abandon, run_answer, run_start, scripts_publish_files
from hotline import services as hotline_services
from hotline.models import AuditEvent, Case, Customer

DEMO_RUNS = 30
DEMO_DESCRIPTION = "Panne décrite au téléphone par le client."  # typed by French operators


def load(*, stdout) -> None:
    stdout.write(f"fault codes: {fault_codes_load()}")
    published = scripts_publish_files(paths=script_files([default_folder()]))
    stdout.write(f"scripts: {len(published)} ({sum(created for _v, created in published)} new "
                 "versions)")
    _demo_runs(stdout=stdout)


@transaction.atomic
def _demo_runs(*, stdout) -> None:
    """Walk a spread of runs over the shipped scripts once, backdated over the last week."""
    operator = get_user_model().objects.filter(username="operator").first()
    customers = list(Customer.objects.filter(email__endswith="@example.org").order_by("pk"))
    if operator is None or not customers or ScriptRun.objects.filter(
            case__description=DEMO_DESCRIPTION).exists():
        return
    versions = list(ScriptVersion.objects.current().filter(handset_models=[]))
    week_ago = timezone.now() - datetime.timedelta(days=7)
    spacing = datetime.timedelta(days=6) / DEMO_RUNS  # all within the past week, none ahead
    for index in range(DEMO_RUNS):
        version = versions[index % len(versions)]
        paths = t.all_paths(version.tree)
        path = paths[(index * 7) % len(paths)]
        customer = customers[index % len(customers)]
        # Past cases, beside the handset's case at work today: a second case on purpose.
        case = hotline_services.case_open(customer=customer, handset=customer.handsets.first(),
                                          symptom=version.symptom, description=DEMO_DESCRIPTION,
                                          second=True)
        run = run_start(case=case, version=version, actor=operator)
        for step, (_node, answer, value) in enumerate(path[:-1]):
            if index % 6 == 5 and step == len(path) - 2:
                run = run_abandon(run=run, reason="Le client a dû raccrocher", actor=operator)
                break
            run = run_answer(run=run, step=step, answer=answer, value=value, actor=operator)
        _backdate(run, start=week_ago + spacing * index, seed=index)
        # Past diagnoses only feed the QA figures: don't leave them open on the demo handsets.
        case.refresh_from_db()
        hotline_services.case_cancel(case=case, reason="Historique : un diagnostic passé")
        run = ScriptRun.objects.get(pk=run.pk)
        Case.objects.filter(pk=case.pk).update(created_at=run.started_at)
        # The case's timeline happened then too, in its order, within the run's time.
        events = list(case.audit_events.order_by("at", "id").values_list("pk", flat=True))
        for offset, pk in enumerate(events[:-1]):
            AuditEvent.objects.filter(pk=pk).update(
                at=run.started_at + datetime.timedelta(seconds=offset))
        AuditEvent.objects.filter(pk=events[-1]).update(  # the cancellation, once the run ended
            at=(run.node_entered_at or run.started_at) + datetime.timedelta(minutes=1))
    stdout.write(f"demo diagnosis runs: {DEMO_RUNS}")


def _backdate(run: ScriptRun, *, start: datetime.datetime, seed: int) -> None:
    """Spread the run's steps as an operator would take them (the walk above took no time)."""
    at = start + datetime.timedelta(seconds=10)
    for step in run.steps.order_by("seq"):
        seconds = 15 + (seed * 13 + step.seq * 29) % 75
        at += datetime.timedelta(seconds=seconds)
        ScriptStep.objects.filter(pk=step.pk).update(seconds=seconds, answered_at=at)
    total = int((at - start).total_seconds())
    ScriptRun.objects.filter(pk=run.pk).update(
        started_at=start, node_entered_at=at, finished_at=at if run.is_finished else None,
        duration_seconds=total if run.is_finished else None)
