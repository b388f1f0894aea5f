"""Use cases of the diagnostics app: publishing scripts and running them on a case."""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import FaultCode, RunStatus, Script, ScriptRun, ScriptStep, ScriptVersion
from diagnostics.reference import FAULT_CODES
from diagnostics.scripts import tree as t
from diagnostics.scripts.lint import Linted, ScriptLintError, lint_text
from diagnostics.scripts.loader import plain
from hotline.errors import DomainError, IllegalTransition, NotFound, StaleObject
from hotline.models import CaseStatus, Symptom
from hotline.services import case_start_diagnosis
from hotline.workflow import actor_or_none, record_event, transition

log = logging.getLogger(__name__)

DIAGNOSABLE_CASE_STATES = (CaseStatus.OPEN, CaseStatus.DIAGNOSING)


class DiagnosisError(DomainError):
    """A run or a script refused: the message says why."""


def known_fault_codes(*, catalogue_file: bool = True) -> set[str]:
    """Codes a script may name: the active catalogue in the database, and (when linting files
    before they are published) those of fixtures/fault_codes.yaml."""
    codes: set[str] = set()
    # The linter also runs before `migrate` (CI, authoring): then only the fixture counts.
    if FaultCode._meta.db_table in connection.introspection.table_names():
        codes |= set(FaultCode.objects.filter(active=True).values_list("code", flat=True))
    if catalogue_file and FAULT_CODES.exists():
        codes |= {entry["code"] for entry in yaml.safe_load(FAULT_CODES.read_text("utf-8"))}
    return codes


def script_lint(*, text: str, filename: str, published_codes_only: bool = False) -> Linted:
    """Check one script's YAML; the result lists every problem with file, line and node.

    Publishing checks fault codes against the database only: a run's result must exist there.
    """
    return lint_text(text, filename=filename,
                     fault_codes=known_fault_codes(catalogue_file=not published_codes_only),
                     symptoms=set(Symptom.values))


def script_publish(*, text: str, filename: str, actor=None) -> tuple[ScriptVersion, bool]:
    """Lint and store a script; a changed text becomes a new version. Return (version, created).

    Past runs keep the version they ran: versions are never edited.
    """
    linted = script_lint(text=text, filename=filename, published_codes_only=True)
    if not linted.ok:
        raise ScriptLintError(linted.messages)
    data = plain(linted.data)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        script, _created = Script.objects.select_for_update().get_or_create(
            slug=data["id"], defaults={"symptom": data["symptom"]})
        latest = script.versions.order_by("-number").first()
        if latest is not None and latest.checksum == checksum:
            return latest, False
        if script.symptom != data["symptom"]:
            script.symptom = data["symptom"]
            script.save(update_fields=["symptom"])
        models = data.get("models", "all")
        version = ScriptVersion.objects.create(
            script=script, number=(latest.number + 1) if latest else 1,
            title_en=data["title"]["en"], title_fr=data["title"]["fr"],
            symptom=data["symptom"], also_for=data.get("also_for") or [],
            handset_models=[] if models == "all" else models, tree=data, source=text,
            source_name=Path(filename).name, checksum=checksum,
            published_by=actor_or_none(actor))
        record_event(version, action="script_published", actor=actor,
                     data={"script": script.slug, "version": version.number})
    log.info("script_published", extra={"script": script.slug, "version": version.number})
    return version, True


def scripts_publish_files(*, paths: list[Path], actor=None) -> list[tuple[ScriptVersion, bool]]:
    """Publish every file; refuse all of them if any one fails the linter."""
    messages, texts = [], []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        linted = script_lint(text=text, filename=str(path), published_codes_only=True)
        messages.extend(linted.messages)
        texts.append((text, str(path)))
    if messages:
        raise ScriptLintError(messages)
    with transaction.atomic():
        return [script_publish(text=text, filename=name, actor=actor) for text, name in texts]


# -- runs ----------------------------------------------------------------------------------

def run_start(*, case, version: ScriptVersion, actor) -> ScriptRun:
    """Start `version` on `case`; an open case moves to diagnosing in the same transaction."""
    if case.status not in DIAGNOSABLE_CASE_STATES:
        raise DiagnosisError(
            f"Case {case.number} is {case.status}: a diagnosis runs only on an "
            "open case or one being diagnosed.", code="case_not_diagnosable")
    handset_model = case.handset.model if case.handset_id else None
    if not version.applies_to(handset_model):
        what = handset_model or "an unidentified handset"
        raise DiagnosisError(_("Script %(script)s does not apply to %(what)s.")
                             % {"script": version, "what": what}, field="version",
                             code="not_applicable")
    if not ScriptVersion.objects.current().filter(pk=version.pk).exists():
        raise DiagnosisError(_("Script %(script)s has been replaced by a newer version or "
                               "retired: start the current one.") % {"script": version},
                             field="version", code="outdated")
    now = timezone.now()
    with transaction.atomic():
        if ScriptRun.objects.filter(case=case, status=RunStatus.IN_PROGRESS).exists():
            raise DiagnosisError(_("A diagnosis is already in progress on this case: resume it "
                                   "or abandon it first."), code="run_in_progress")
        if case.status == CaseStatus.OPEN:
            case_start_diagnosis(case=case, actor=actor)
        try:
            with transaction.atomic():
                run = ScriptRun.objects.create(
                    case=case, version=version, operator=actor,
                    current_node=version.tree["start"], node_entered_at=now, started_at=now)
        except IntegrityError:  # another operator started one a moment ago
            raise DiagnosisError(_("A diagnosis has just been started on this case by someone "
                                   "else: resume it."), code="run_in_progress") from None
        record_event(run, action="diagnosis_started", actor=actor,
                     data={"script": version.script.slug, "version": version.number})
    log.info("diagnosis_started", extra={"case": case.number, "run": run.pk,
                                         "script": str(version)})
    return run


def _locked(run: ScriptRun | int, expected_step: int | None) -> ScriptRun:
    """Return the run (or the run with this id) locked for update, with what its view
    shows (script, case, fault code); refuse an absent or finished run, or a stale step."""
    fresh = (ScriptRun.objects.select_for_update(of=("self",))
             .select_related("version__script", "case", "fault_code")
             .filter(pk=run if isinstance(run, int) else run.pk).first())
    if fresh is None:
        raise NotFound(_("There is no such diagnosis."), code="no_such_run")
    if fresh.is_finished:
        raise IllegalTransition(
            f"This diagnosis is {fresh.get_status_display()}: it takes no more steps.",
            code="run_finished")
    if expected_step is not None and expected_step != fresh.position:
        raise StaleObject(
            f"This diagnosis moved on (now at step {fresh.position + 1}, you answered step "
            f"{expected_step + 1}): someone else answered first. Reload it.", code="stale_step")
    return fresh


def run_answer(*, run: ScriptRun | int, step: int, answer: str | None = None,
               value: Decimal | str | None = None, actor) -> ScriptRun:
    """Answer the current step; `step` is the step number the operator saw (0-based). `run`
    is the run or its id; the run returned holds its script, case and fault code."""
    with transaction.atomic():
        run = _locked(run, step)
        node = run.version.node(run.current_node)
        answer, value, target = _resolve(node, answer, value)
        now = timezone.now()
        ScriptStep.objects.create(
            run=run, seq=_next_seq(run), position=run.position, node_id=node["id"], answer=answer,
            value=value, seconds=max(0, int((now - run.node_entered_at).total_seconds())),
            answered_at=now, answered_by=actor_or_none(actor))
        run.current_node, run.position, run.node_entered_at = target, run.position + 1, now
        outcome = run.version.node(target)
        if outcome["kind"] != t.OUTCOME:
            run.save()
            return run
        run.fault_code_id, run.action = outcome["fault_code"], outcome["action"]
        run.finished_at = now
        run.duration_seconds = int((now - run.started_at).total_seconds())
        transition(run, "complete", actor=actor, reason=outcome["text"]["en"],
                   data={"fault_code": run.fault_code_id, "action": run.action,
                         "outcome": target})
    log.info("diagnosis_completed", extra={"case": run.case.number, "run": run.pk,
                                           "fault_code": run.fault_code_id, "action": run.action})
    return run


def _next_seq(run: ScriptRun):
    """The step's place in the record, counted inside its INSERT (the run is locked)."""
    last = ScriptStep.objects.filter(run=run).order_by("-seq").values("seq")[:1]
    return Coalesce(Subquery(last), 0) + 1


def _resolve(node: dict, answer, value) -> tuple[str, Decimal | None, str]:
    """Check an answer against the node; return (answer, value, next node id)."""
    if node["kind"] == t.MEASUREMENT:
        number = t.number(value if value is not None else answer)
        if number is None:
            raise DiagnosisError(_("Type the measured value as a number."), field="value",
                                 code="not_a_number")
        low, high = t.number(node["min"]), t.number(node["max"])
        if not low <= number <= high:
            raise DiagnosisError(_("%(value)s is outside the possible values (%(low)s to "
                                   "%(high)s%(unit)s).")
                                 % {"value": number, "low": low, "high": high,
                                    "unit": f" {node['unit']}" if node.get("unit") else ""},
                                 field="value",
                                 code="out_of_bounds")
        found = t.measurement_range(node, number)
        return t.range_key(found), number, found["next"]
    allowed = dict(t.exits(node))
    if answer not in allowed:
        raise DiagnosisError(_("%(answer)r is not an answer to this step; choose one of "
                               "%(allowed)s.") % {"answer": answer, "allowed": ", ".join(allowed)},
                             field="answer", code="invalid_answer")
    return answer, None, allowed[answer]


def run_back(*, run: ScriptRun | int, to_step: int, step: int | None = None, actor) -> ScriptRun:
    """Return to step `to_step` (0-based) of the path; later answers leave the path.

    They stay in the record (discarded), so QA can see where operators changed their minds.
    """
    with transaction.atomic():
        run = _locked(run, step)
        if not 0 <= to_step < run.position:
            raise DiagnosisError(_("There is no earlier step %(step)s to go back to.")
                                 % {"step": to_step + 1},
                                 field="to_step", code="no_such_step")
        live = run.steps.filter(discarded=False)
        target = live.get(position=to_step)
        live.filter(position__gte=to_step).update(discarded=True)
        run.current_node, run.position = target.node_id, to_step
        run.node_entered_at = timezone.now()
        run.save()
        record_event(run, action="diagnosis_went_back", actor=actor,
                     data={"to_step": to_step + 1, "node": target.node_id})
    return run


def run_abandon(*, run: ScriptRun, reason: str, actor) -> ScriptRun:
    """Stop a run before its outcome, saying why."""
    if not reason or not reason.strip():
        raise DiagnosisError(_("Say why the diagnosis is abandoned."), field="reason",
                             code="reason_required")
    with transaction.atomic():
        run = _locked(run, None)
        now = timezone.now()
        run.abandon_reason = reason.strip()[:300]
        run.finished_at = now
        run.duration_seconds = int((now - run.started_at).total_seconds())
        transition(run, "abandon", actor=actor, reason=run.abandon_reason,
                   data={"node": run.current_node})
    log.info("diagnosis_abandoned", extra={"case": run.case.number, "run": run.pk,
                                           "node": run.current_node})
    return run
