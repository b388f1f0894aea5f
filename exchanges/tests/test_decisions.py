"""Deciding the outcome: warranty, stock, technicians, preference; confirm or override."""

import pytest

from diagnostics.selectors import Recommendation
from exchanges.decisions.fulfilment import swap_request
from exchanges.decisions.services import decision_confirm, decision_propose, diagnosis_record
from exchanges.errors import DecisionError
from exchanges.models import Decision, Swap, Visit
from exchanges.tests.factories import diagnosing_case, fault
from hotline.errors import PermissionRefused, StaleObject
from hotline.models import AuditEvent, Case
from hotline.workflow import transition

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


def recommend(code: str, action: str) -> Recommendation:
    return Recommendation(fault_code=fault(code), action=action)


def test_a_battery_fault_under_warranty_with_stock_gets_a_free_swap(operator):
    case = diagnosing_case(days_since_purchase=100, stock=1)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    assert (decision.proposed_outcome, decision.proposed_paid) == ("swap", False)
    assert decision.inputs["warranty"]["state"] == "in_warranty"


def test_confirming_a_free_swap_puts_the_case_in_service_and_orders_the_swap(
        operator, django_capture_on_commit_callbacks):
    case = diagnosing_case(days_since_purchase=100, stock=1)
    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    with django_capture_on_commit_callbacks(execute=True):
        decision_confirm(decision=decision, actor=operator)

    case.refresh_from_db()
    swap = Swap.objects.get(case=case)
    assert case.status == "in_service"
    assert (swap.status, swap.paid, swap.fees_total) == ("booked", False, 0)
    assert swap.warranty_end == case.handset.warranty_end
    assert swap.postcode == "75002"
    assert AuditEvent.objects.filter(case=case, action="decision_confirmed").exists()


def test_liquid_damage_never_gets_a_free_swap_even_under_warranty(operator):
    case = diagnosing_case(days_since_purchase=30, stock=1)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("LIQ-01", "swap"))

    assert (decision.proposed_outcome, decision.proposed_paid) == ("swap", True)
    assert decision.inputs["warranty"]["state"] == "not_covered"


def test_an_out_of_warranty_swap_is_paid(operator):
    case = diagnosing_case(days_since_purchase=3 * 365, stock=1)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    assert decision.proposed_paid is True
    assert decision.inputs["warranty"]["state"] == "expired"


def test_an_unknown_purchase_date_asks_for_a_proof_of_purchase(operator):
    case = diagnosing_case(days_since_purchase=None, stock=1)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    assert decision.proposed_paid is True
    assert decision.inputs["warranty"]["state"] == "unknown"
    assert "proof of purchase" in " ".join(decision.reasons)


def test_without_stock_a_covering_technician_is_proposed_instead_of_a_swap(operator):
    case = diagnosing_case(stock=0, technician=True)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    assert decision.proposed_outcome == "visit"
    assert decision.inputs["technicians"] == 1


def test_without_stock_or_technician_the_customer_is_referred(operator):
    case = diagnosing_case(stock=0, technician=False)

    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    assert (decision.proposed_outcome, decision.proposed_paid) == ("referral", False)


def test_the_customers_preference_for_a_visit_is_followed_when_possible(operator):
    case = diagnosing_case(stock=1, technician=True)

    decision = decision_propose(case=case, actor=operator, preference="visit",
                                         recommendation=recommend("BAT-01", "swap"))

    assert decision.proposed_outcome == "visit"


def test_advice_settles_the_case_at_no_cost(operator, django_capture_on_commit_callbacks):
    case = diagnosing_case()
    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-02", "advice"))

    with django_capture_on_commit_callbacks(execute=True):
        decision_confirm(decision=decision, actor=operator)

    case.refresh_from_db()
    assert case.status == "advised" and case.settled_at is not None


def test_a_supervisor_overrides_the_proposed_outcome_with_a_reason(supervisor):
    case = diagnosing_case(stock=1, technician=True)
    decision = decision_propose(case=case, actor=supervisor,
                                         recommendation=recommend("BAT-01", "swap"))

    decision_confirm(decision=decision, actor=supervisor, outcome="visit",
                              reason="Customer cannot receive parcels")

    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == ("overridden", "visit")
    assert Visit.objects.filter(case=case).exists()
    event = AuditEvent.objects.get(case=case, action="decision_overridden")
    assert event.reason == "Customer cannot receive parcels" and event.actor == supervisor


def test_an_operator_may_not_override_the_proposed_outcome(operator):
    case = diagnosing_case(stock=1, technician=True)
    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-01", "swap"))

    with pytest.raises(PermissionRefused):
        decision_confirm(decision=decision, actor=operator, outcome="visit",
                                  reason="I prefer it")

    decision.refresh_from_db()
    case.refresh_from_db()
    assert decision.status == "proposed" and case.status == "diagnosing"


def test_an_override_needs_a_reason(supervisor):
    case = diagnosing_case(stock=1, technician=True)
    decision = decision_propose(case=case, actor=supervisor,
                                         recommendation=recommend("BAT-01", "swap"))

    with pytest.raises(DecisionError):
        decision_confirm(decision=decision, actor=supervisor, outcome="visit")


def test_an_override_to_a_swap_of_damage_stays_paid(supervisor):
    case = diagnosing_case(stock=0, technician=False)
    decision = decision_propose(case=case, actor=supervisor,
                                         recommendation=recommend("LIQ-01", "swap"))

    decision_confirm(decision=decision, actor=supervisor, outcome="swap",
                              reason="Stock arrives tomorrow")

    decision.refresh_from_db()
    case.refresh_from_db()
    assert decision.paid is True and case.status == "awaiting_consent"


def test_a_second_operator_confirming_the_same_decision_is_told_to_reload(operator):
    case = diagnosing_case(stock=1)
    decision = decision_propose(case=case, actor=operator,
                                         recommendation=recommend("BAT-02", "advice"))
    stale_copy = Decision.objects.get(pk=decision.pk)
    decision_confirm(decision=decision, actor=operator)

    with pytest.raises(DecisionError, match="reload"):
        decision_confirm(decision=stale_copy, actor=operator)

    assert Case.objects.get(pk=case.pk).status == "advised"


def test_two_operators_moving_one_case_at_once_the_second_is_refused_and_nothing_half_done(
        operator):
    case = diagnosing_case()
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    transition(first, "advise", actor=operator)

    with pytest.raises(StaleObject, match="reload"):
        transition(second, "refer", actor=operator)

    assert Case.objects.get(pk=case.pk).status == "advised"
    assert not AuditEvent.objects.filter(case=case, action="refer").exists()


def test_a_decision_is_proposed_only_while_diagnosing(operator):
    case = diagnosing_case()
    transition(case, "advise", actor=operator)

    with pytest.raises(DecisionError, match="diagnosing"):
        decision_propose(case=case, actor=operator,
                                  recommendation=recommend("BAT-01", "swap"))


def test_a_manual_diagnosis_starts_diagnosing_and_feeds_the_proposal(operator):
    case = diagnosing_case(status="open")

    diagnosis_record(case=case, fault_code=fault("CHG-02"), action="advice",
                              advice="Clean the port", actor=operator)
    decision = decision_propose(case=case, actor=operator)

    assert case.status == "diagnosing"
    assert (decision.fault_code_id, decision.proposed_outcome) == ("CHG-02", "advice")
    assert decision.inputs["advice"] == "Clean the port"


def test_without_any_diagnosis_no_outcome_is_proposed(operator):
    case = diagnosing_case()

    with pytest.raises(DecisionError, match="No diagnosis"):
        decision_propose(case=case, actor=operator)


def test_a_new_proposal_supersedes_the_previous_one(operator):
    case = diagnosing_case()
    first = decision_propose(case=case, actor=operator,
                                      recommendation=recommend("BAT-01", "swap"))

    decision_propose(case=case, actor=operator,
                              recommendation=recommend("BAT-02", "advice"))

    first.refresh_from_db()
    assert first.status == "superseded"


def test_nothing_paid_is_ordered_without_consent(supervisor):
    case = diagnosing_case(days_since_purchase=1000)
    decision = decision_propose(case=case, actor=supervisor,
                                         recommendation=recommend("BAT-01", "swap"))
    decision.outcome, decision.paid = "swap", True

    with pytest.raises(DecisionError, match="consent"):
        swap_request(case=case, decision=decision)
