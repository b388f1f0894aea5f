"""How defect records are written: quality subscribes to audit events (hotline.audit_hooks)
instead of other apps importing it. Each handler reads the subject of the event and turns it
into evidence about the case's handset; later, stronger evidence updates the same record."""

from __future__ import annotations

import datetime

from django.utils import timezone

from diagnostics.models import ScriptRun
from exchanges.models import Diagnosis, InspectionOutcome, Swap, SwapInspection, Visit
from hotline.audit_hooks import EVIDENCE_KEY
from quality.models import Source, Verdict
from quality.services import defect_record_apply, evidence_for_case

# Actions this app listens to (quality.apps); `defect` evidence is picked up from any action.
ACTIONS = frozenset({"complete", "diagnosis_recorded", "escalate", "inspect"})

INSPECTION_VERDICTS = {
    InspectionOutcome.FAULT_CONFIRMED: Verdict.CONFIRMED,
    InspectionOutcome.NO_FAULT_FOUND: Verdict.NFF,
    InspectionOutcome.CUSTOMER_DAMAGE: Verdict.CUSTOMER_DAMAGE,
}
GENERIC_VERDICTS = {"confirmed": Verdict.CONFIRMED, "nff": Verdict.NFF,
                    "no_fault_found": Verdict.NFF, "customer_damage": Verdict.CUSTOMER_DAMAGE,
                    "reported": Verdict.REPORTED}


def _day(event) -> datetime.date:
    return timezone.localdate(event.at)


def on_audit_event(event) -> None:
    """Turn one audit event into defect evidence, when it is some."""
    subject = event.content_type.model_class()
    defect = (event.data or {}).get(EVIDENCE_KEY)
    if isinstance(defect, dict):
        _generic(event, defect)
    elif subject is ScriptRun and event.action == "complete":
        _script_run(event)
    elif subject is Diagnosis and event.action == "diagnosis_recorded":
        _manual(event)
    elif subject is Visit and event.action in ("complete", "escalate"):
        _visit(event)
    elif subject is Swap and event.action == "inspect":
        _inspection(event)


def _apply(case, **fields) -> None:
    evidence = evidence_for_case(case, **fields)
    if evidence is not None:
        defect_record_apply(evidence)


def _script_run(event) -> None:
    run = ScriptRun.objects.select_related("case__handset", "version__script").filter(
        pk=event.object_id).first()
    if run is None or run.fault_code_id is None:
        return
    _apply(run.case, source=Source.HOTLINE, occurred_on=_day(event), fault_code=run.fault_code_id,
           script=run.version.script.slug, script_version=run.version.number,
           end_node=(event.data or {}).get("outcome") or run.current_node)


def _manual(event) -> None:
    diagnosis = Diagnosis.objects.select_related("case__handset").filter(pk=event.object_id).first()
    if diagnosis is None:
        return
    _apply(diagnosis.case, source=Source.HOTLINE, occurred_on=_day(event),
           fault_code=diagnosis.fault_code_id)


def _visit(event) -> None:
    visit = Visit.objects.select_related("case__handset").filter(pk=event.object_id).first()
    if visit is None:
        return
    fault = visit.confirmed_fault_code_id or visit.fault_code_id
    _apply(visit.case, source=Source.VISIT, occurred_on=_day(event), fault_code=fault,
           verdict=Verdict.CONFIRMED)


def _inspection(event) -> None:
    inspection = (SwapInspection.objects.select_related("swap__case__handset")
                  .filter(swap_id=event.object_id).first())
    if inspection is None or inspection.outcome not in INSPECTION_VERDICTS:
        return  # activation lock, data not wiped: says nothing about the fault
    swap = inspection.swap
    _apply(swap.case, source=Source.INSPECTION, occurred_on=_day(event),
           fault_code=inspection.fault_code_id or swap.fault_code_id,
           verdict=INSPECTION_VERDICTS[inspection.outcome])


def _generic(event, defect: dict) -> None:
    """Evidence from any app (e.g. the repair centre): see docs/quality.md."""
    if event.case is None:
        return
    source = defect.get("source") or Source.REPAIR
    if source not in Source.values:
        source = Source.REPAIR
    verdict = GENERIC_VERDICTS.get(str(defect.get("verdict") or "confirmed"), Verdict.CONFIRMED)
    occurred = defect.get("occurred_on")
    try:
        day = datetime.date.fromisoformat(occurred) if occurred else _day(event)
    except ValueError:
        day = _day(event)
    _apply(event.case, source=source, occurred_on=day, fault_code=defect.get("fault_code"),
           verdict=verdict, component=str(defect.get("component") or "")[:120],
           root_cause=str(defect.get("root_cause") or "")[:300])
