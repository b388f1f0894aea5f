"""Console actions of the case decision (diagnosis, proposal, confirmation, revision) and the
case page's decision panel."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.models import RunStatus, ScriptRun
from exchanges.decisions import selectors, services
from exchanges.decisions.forms import ConfirmForm, DiagnosisForm, ProposeForm, ReasonForm
from exchanges.decisions.warranty import warranty_of_inputs
from exchanges.quotes.forms import SignedAcceptanceForm
from exchanges.quotes.selectors import quote_current
from exchanges.quotes.services import quote_link
from exchanges.visits.views import visit_panel_context
from exchanges.web import case_form_post
from hotline.capabilities import WORK_CASES, capability_required
from hotline.errors import DomainError
from hotline.models import Case, CaseStatus
from hotline.panels import Panel
from hotline.workflow import allowed_transitions


def decision_panel(request, case: Case) -> Panel:
    """The case page's decision panel: diagnosis, proposal and reasons, quote, service orders."""
    decision = selectors.decision_current(case=case)
    quote = quote_current(case=case)
    initial = {}
    if decision is not None and decision.is_open:
        initial = {"outcome": decision.proposed_outcome}
    diagnoses = list(case.diagnoses.select_related("fault_code", "recorded_by")[:5])
    # The manual diagnosis is a fallback: folded away once a script runs or ran, or once there
    # is a diagnosis or a decision to work from.
    can_diagnose = case.status in (CaseStatus.OPEN, CaseStatus.DIAGNOSING)
    scripted = (can_diagnose and decision is None and not diagnoses and ScriptRun.objects.filter(
        case=case).exclude(status=RunStatus.ABANDONED).exists())
    return Panel("exchanges/_case_panel.html", {
        "case": case,
        "can_diagnose": can_diagnose,
        "diagnosis_open": can_diagnose and decision is None and not diagnoses and not scripted,
        "can_propose": case.status == CaseStatus.DIAGNOSING and bool(diagnoses or scripted
                                                                      or decision),
        "diagnosis_form": DiagnosisForm(prefix="dx"),
        "propose_form": ProposeForm(prefix="pr"),
        "diagnoses": diagnoses,
        "decision": decision,
        "warranty": warranty_of_inputs(decision.inputs, decision.fault_code) if decision else None,
        "confirm_form": ConfirmForm(initial=initial, prefix="cf"),
        "can_override": request.user.has_perm("hotline.override_decision"),
        # The case machine's own condition (its role and its service records'), as the
        # transition checks it.
        "can_revise": "revise" in allowed_transitions(case, request.user),
        "quote": quote,
        "quote_link": quote_link(quote=quote) if quote else "",
        "signed_form": SignedAcceptanceForm(prefix="sg"),
        "orders": selectors.service_orders_of_case(case=case),
        **visit_panel_context(case),
    }, order=20)


@require_POST
@capability_required(WORK_CASES)
def diagnosis_record(request, number):
    def run(case, data):
        services.diagnosis_record(case=case, fault_code=data["fault_code"], action=data["action"],
                                  advice=data["advice"], actor=request.user, propose=True,
                                  preference=data["preference"])

    return case_form_post(request, number, run=run, form_class=DiagnosisForm, prefix="dx",
                          done=_("Diagnosis recorded; an outcome is proposed."))


@require_POST
@capability_required(WORK_CASES)
def decision_propose(request, number):
    def run(case, data):
        services.decision_propose(case=case, actor=request.user, preference=data["preference"])

    return case_form_post(request, number, run=run, form_class=ProposeForm, prefix="pr",
                          done=_("An outcome is proposed."))


@require_POST
@capability_required(WORK_CASES)
def decision_confirm(request, number):
    def run(case, data):
        decision = selectors.decision_current(case=case)
        if decision is None or not decision.is_open:
            raise DomainError(_("There is no proposed outcome to confirm: reload the case."),
                              code="no_proposal")
        services.decision_confirm(decision=decision, actor=request.user,
                                  outcome=data["outcome"], reason=data["reason"])

    return case_form_post(request, number, run=run, form_class=ConfirmForm, prefix="cf",
                          done=_("Outcome decided."))


@require_POST
@capability_required(WORK_CASES)
def case_revise(request, number):
    def run(case, data):
        services.case_revise(case=case, actor=request.user, reason=data["reason"])

    return case_form_post(request, number, run=run, form_class=ReasonForm,
                          done=_("Decision taken back: the case is diagnosing again."))
