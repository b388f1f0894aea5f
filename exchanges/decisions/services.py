"""Decide a case's outcome: propose from the diagnosis and the facts, confirm or override."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diagnostics.models import Action
from diagnostics.selectors import Recommendation
from exchanges.decisions.fulfilment import service_order_create
from exchanges.decisions.selectors import recommendation_for_case
from exchanges.decisions.warranty import WarrantyStatus, warranty_status
from exchanges.errors import DecisionError
from exchanges.models import (
    Decision,
    DecisionStatus,
    Diagnosis,
    DiagnosisSource,
    Swap,
    SwapStatus,
    Visit,
)
from exchanges.quotes.services import quote_create, quote_withdraw
from exchanges.stock.selectors import stock_available
from exchanges.visits.selectors import technicians_covering
from hotline.errors import DomainError, PermissionRefused, StaleObject
from hotline.fulfilment import fulfilment_provider
from hotline.models import Case, CaseStatus
from hotline.notifications import notification_send
from hotline.services import case_hooks_run
from hotline.workflow import actor_or_none, record_event, transition

SERVICE_OUTCOMES = (Action.SWAP, Action.VISIT)
# Outcomes carried out by an app above this one (repairs), found through hotline.fulfilment.
PROVIDED_SERVICE_OUTCOMES = (Action.REPAIR,)
PAID_OUTCOMES = (*SERVICE_OUTCOMES, *PROVIDED_SERVICE_OUTCOMES)


@dataclass
class Proposal:
    """An outcome proposed for a case, with the reasons an operator reads before confirming."""

    outcome: str
    paid: bool
    warranty: WarrantyStatus
    reasons: list[str] = field(default_factory=list)
    stock: int = 0
    technicians: int = 0


def decision_evaluate(
    *, case: Case, recommendation: Recommendation, preference: str = "",
) -> Proposal:
    """Return the outcome the facts call for: warranty, stock, technicians, preference."""
    fault, action = recommendation.fault_code, recommendation.action
    handset = case.handset
    warranty = warranty_status(handset=handset, fault_code=fault)
    reasons = [_("Diagnosis %(code)s (%(fault)s) recommends %(action)s.") % {
        "code": fault.code, "fault": fault.description, "action": Action(action).label}]
    if action in (Action.ADVICE, Action.REFERRAL):
        reasons.append(_("No cost to the customer."))
        reasons.extend(_referral_reasons(case) if action == Action.REFERRAL else [])
        return Proposal(outcome=action, paid=False, warranty=warranty, reasons=reasons)
    if action == Action.REPAIR:
        repair = _assess(Action.REPAIR, case)
        if repair is not None and repair.feasible and preference not in SERVICE_OUTCOMES:
            reasons.extend(repair.reasons)
            return _priced(Action.REPAIR, warranty, reasons)
        action = Action.SWAP  # no mail-in repair: weighed like a swap
    if handset is None or handset.model_id is None:
        raise DecisionError(_("Identify the handset (IMEI and model) before deciding a swap or a "
                          "visit."), field="handset")
    address = case.customer.default_address
    stock = stock_available(model=handset.model, variant=handset.variant)
    technicians = (len(technicians_covering(postcode=address.postcode, country=address.country,
                                            family=handset.model.family)) if address else 0)
    reasons.append(
        _("%(count)s like-for-like unit(s) of %(model)s in stock.") % {
            "count": stock, "model": handset.variant or handset.model}
        if stock else _("No like-for-like %(model)s in stock.") % {
            "model": handset.variant or handset.model})
    if address is None:
        reasons.append(_("The customer has no address: neither a swap nor a visit can be "
                         "ordered."))
    elif technicians:
        reasons.append(_("%(count)s technician(s) cover %(postcode)s.") % {
            "count": technicians, "postcode": address.postcode})
    else:
        reasons.append(_("No technician covers %(postcode)s.") % {"postcode": address.postcode})
    feasible = {Action.SWAP: bool(stock and address), Action.VISIT: bool(technicians)}
    wanted = action
    if preference in SERVICE_OUTCOMES and preference != action:
        wanted = preference
        reasons.append(_("The customer prefers a %(outcome)s.") % {
            "outcome": Action(preference).label})
    other = Action.VISIT if wanted == Action.SWAP else Action.SWAP
    if feasible[wanted]:
        outcome = wanted
    elif feasible[other]:
        outcome = other
        reasons.append(_("A %(wanted)s is not possible: %(other)s instead.") % {
            "wanted": Action(wanted).label, "other": Action(other).label})
    else:
        repair = _assess(Action.REPAIR, case)
        if repair is not None and repair.feasible:
            reasons.append(_("Neither a swap nor a visit is possible: mail-in repair."))
            reasons.extend(repair.reasons)
            outcome = Action.REPAIR
        else:
            reasons.append(_("Neither a swap nor a visit is possible: referral to a service "
                             "point."))
            reasons.extend(repair.reasons if repair is not None else [])
            reasons.extend(_referral_reasons(case))
            return Proposal(outcome=Action.REFERRAL, paid=False, warranty=warranty,
                            reasons=reasons, stock=stock, technicians=technicians)
    return _priced(outcome, warranty, reasons, stock=stock, technicians=technicians)


def _priced(outcome: str, warranty, reasons: list, **counts) -> Proposal:
    """A service outcome, free under warranty or paid (a written quote and consent first)."""
    reasons.append(str(warranty.reason))
    paid = not warranty.covered
    reasons.append(_("Paid by the customer: a written quote and consent come first.") if paid
                   else _("Free of charge under warranty."))
    return Proposal(outcome=outcome, paid=paid, warranty=warranty, reasons=reasons, **counts)


def _assess(outcome: str, case: Case):
    provider = fulfilment_provider(outcome)
    return provider.assess(case=case) if provider is not None else None


def _referral_reasons(case: Case) -> list[str]:
    """The service points an app proposes for a referral (best first), as reasons."""
    found = _assess(Action.REFERRAL, case)
    return [str(reason) for reason in found.reasons] if found is not None else []


def diagnosis_record(
    *, case: Case, fault_code, action: str, advice: str = "", actor=None, propose: bool = False,
    preference: str = "",
) -> Diagnosis:
    """Record a diagnosis by hand (no script fits); an open case starts diagnosing. With
    `propose`, an outcome is proposed from it in the same transaction (the customer's
    `preference` heard): the console and the API make this one call."""
    if action not in Action.values:
        raise DecisionError(_("Unknown action %(action)s.") % {"action": action}, field="action")
    if case.status not in (CaseStatus.OPEN, CaseStatus.DIAGNOSING):
        raise DecisionError(_("Case %(number)s is %(status)s: a diagnosis is recorded while it is "
                          "open or diagnosing.") % {"number": case.number,
                                                     "status": case.get_status_display()},
                        code="not_diagnosing")
    with transaction.atomic():
        if case.status == CaseStatus.OPEN:
            transition(case, "start_diagnosis", actor=actor)
        diagnosis = Diagnosis.objects.create(
            case=case, fault_code=fault_code, action=action, advice=advice,
            source=DiagnosisSource.MANUAL,
            recorded_by=actor_or_none(actor))
        record_event(diagnosis, action="diagnosis_recorded", actor=actor, case=case,
                     data={"fault_code": fault_code.code, "action": action})
        if propose:
            decision_propose(case=case, actor=actor, preference=preference)
    return diagnosis


def decision_propose(
    *, case: Case, actor=None, recommendation: Recommendation | None = None,
    preference: str = "",
) -> Decision:
    """Propose the outcome of a diagnosing case, superseding any earlier proposal."""
    if case.status != CaseStatus.DIAGNOSING:
        raise DecisionError(_("Case %(number)s is %(status)s: an outcome is proposed while it is "
                          "diagnosing.") % {"number": case.number,
                                             "status": case.get_status_display()},
                        code="not_diagnosing")
    if preference and preference not in SERVICE_OUTCOMES:
        raise DecisionError(_("The preference is a swap or a visit."), field="preference")
    recommendation = recommendation or recommendation_for_case(case=case)
    if recommendation is None:
        raise DecisionError(_("No diagnosis yet: run a guided script or record a diagnosis."),
                        code="no_diagnosis")
    try:
        # Reasons are stored in English (msgids) and shown in the reader's language
        # (hotline.i18n.stored_text), whoever decided in whichever language.
        with translation.override("en"):
            proposal = decision_evaluate(case=case, recommendation=recommendation,
                                         preference=preference)
    except DomainError:  # refused: say it again in the operator's language
        decision_evaluate(case=case, recommendation=recommendation, preference=preference)
        raise
    try:
        with transaction.atomic():
            decision = _record_proposal(case=case, actor=actor, recommendation=recommendation,
                                        proposal=proposal, preference=preference)
    except IntegrityError:  # another operator proposed for this case at the same moment
        raise StaleObject(_("Another outcome was proposed for this case at the same time: "
                            "reload it."), code="stale") from None
    return decision


def _record_proposal(*, case, actor, recommendation, proposal, preference) -> Decision:
    manual = Diagnosis.objects.filter(case=case).first()
    Decision.objects.select_for_update().filter(
        case=case, status=DecisionStatus.PROPOSED).update(status=DecisionStatus.SUPERSEDED)
    decision = Decision.objects.create(
        case=case, fault_code=recommendation.fault_code,
        recommended_action=recommendation.action, script_run_id=recommendation.run_id,
        diagnosis=manual if recommendation.run_id is None else None, preference=preference,
        proposed_outcome=proposal.outcome, proposed_paid=proposal.paid,
        reasons=[str(reason) for reason in proposal.reasons],
        inputs={"warranty": proposal.warranty.as_dict(), "stock": proposal.stock,
                "technicians": proposal.technicians, "advice": recommendation.advice},
    )
    record_event(decision, action="decision_proposed", actor=actor, case=case,
                 data={"outcome": proposal.outcome, "paid": proposal.paid,
                       "fault_code": recommendation.fault_code.code,
                       "reasons": decision.reasons})
    return decision


def decision_confirm(*, decision: Decision, actor, outcome: str = "", reason: str = "",
                     options: dict | None = None) -> Decision:
    """Confirm the proposed outcome, or override it (supervisors, with a reason), and act on it.

    Advice settles the case; a referral to a chosen service point (`options`) is followed
    until the hand-back, one with no service point to propose settles at once; a free swap,
    visit or mail-in repair is ordered at once; a paid one sends a quote and waits for the
    customer's written consent.
    """
    outcome = outcome or decision.proposed_outcome
    if outcome not in Action.values:
        raise DecisionError(_("Unknown outcome %(outcome)s.") % {"outcome": outcome}, field="outcome")
    override = outcome != decision.proposed_outcome
    if override and not actor.has_perm("hotline.override_decision"):
        raise PermissionRefused(_("Only a supervisor may override the proposed outcome."),
                                code="override_permission")
    if override and not reason.strip():
        raise DecisionError(_("Say why the proposed outcome is overridden."), field="reason")
    with transaction.atomic():
        decision = Decision.objects.select_for_update(of=("self",)).select_related(
            "case__customer", "case__handset__model", "fault_code").get(pk=decision.pk)
        if not decision.is_open:
            raise DecisionError(_("This decision was already %(status)s: reload the case.") % {
                "status": decision.get_status_display()}, code="stale")
        case = decision.case
        if override:
            warranty = warranty_status(handset=case.handset, fault_code=decision.fault_code)
            paid = outcome in PAID_OUTCOMES and not warranty.covered
        else:
            paid = decision.proposed_paid
        decision.status = DecisionStatus.OVERRIDDEN if override else DecisionStatus.CONFIRMED
        decision.outcome, decision.paid = outcome, paid
        decision.decided_by, decision.decided_at = actor, timezone.now()
        decision.override_reason = reason if override else ""
        decision.save()
        record_event(decision, action="decision_overridden" if override else "decision_confirmed",
                     actor=actor, case=case, reason=reason,
                     data={"proposed": decision.proposed_outcome, "outcome": outcome,
                           "paid": paid})
        _act_on(decision=decision, case=case, actor=actor, options=options or {})
    return decision


def _act_on(*, decision: Decision, case: Case, actor, options: dict) -> None:
    data = {"decision": decision.pk, "outcome": decision.outcome}
    if decision.outcome == Action.ADVICE:
        transition(case, "advise", actor=actor, data=data)
        notification_send(case=case, template="outcome_advice",
                          context={"advice": decision.inputs.get("advice", ""),
                                   "fault": decision.fault_code.code})
    elif decision.outcome == Action.REFERRAL:
        provider = fulfilment_provider(Action.REFERRAL)
        follow = provider is not None and provider.will_follow(case=case, options=options)
        transition(case, "refer", actor=actor, data=data, follow=follow)
        if follow:
            provider.fulfil(case=case, decision=decision, actor=actor, options=options)
        else:
            notification_send(case=case, template="outcome_referral",
                              context={"fault": decision.fault_code.code})
    elif decision.paid:
        quote = quote_create(case=case, decision=decision, actor=actor)
        transition(case, "await_consent", actor=actor,
                   data={**data, "quote": quote.number, "total": str(quote.total),
                         "currency": quote.currency})
    else:
        transition(case, "start_service", actor=actor, data=data)
        service_order_create(case=case, decision=decision, actor=actor)


def case_revise(*, case: Case, actor, reason: str) -> Case:
    """Take back a decision already acted on (supervisors): the case goes back to diagnosing."""
    if not reason.strip():
        raise DecisionError(_("Say why the decision is taken back."), field="reason")
    with transaction.atomic():
        transition(case, "revise", actor=actor, reason=reason)
        quote_withdraw(case=case, actor=actor, reason=reason)
        # What other apps ordered for the decision (a referral to a service point) ends too.
        case_hooks_run("case_revised_hooks", case=case, actor=actor, reason=reason)
        Decision.objects.filter(case=case).exclude(status=DecisionStatus.SUPERSEDED).update(
            status=DecisionStatus.SUPERSEDED)
    return case


def case_cancelled(*, case: Case, actor=None, reason: str = "") -> None:
    """Cancel what the case had ordered (hook run by hotline.services.case_cancel)."""
    from exchanges.quotes.services import quote_withdraw

    with transaction.atomic():
        quote_withdraw(case=case, actor=actor, reason=reason)
        Decision.objects.filter(case=case, status=DecisionStatus.PROPOSED).update(
            status=DecisionStatus.SUPERSEDED)
        orders = [*Swap.objects.filter(case=case, status=SwapStatus.REQUESTED),
                  *Visit.objects.open().filter(case=case)]
        for order in orders:
            transition(order, "cancel", actor=actor, reason=reason, check_permission=False)
