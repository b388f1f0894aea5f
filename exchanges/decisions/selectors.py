"""Reads of the case decision: the recommendation, the current decision, the fault codes."""

from __future__ import annotations

from django.db.models import QuerySet

from diagnostics.models import FaultCode
from diagnostics.selectors import Recommendation, case_recommendation
from exchanges.models import Decision, DecisionStatus, Diagnosis, Swap, Visit


def recommendation_for_case(*, case) -> Recommendation | None:
    """Return the case's recommendation: a diagnosis recorded by hand, else the script's."""
    manual = Diagnosis.objects.filter(case=case).select_related("fault_code").first()
    if manual is not None:
        return Recommendation(fault_code=manual.fault_code, action=manual.action,
                              advice=manual.advice)
    return case_recommendation(case=case)


def decision_current(*, case) -> Decision | None:
    """Return the case's latest decision that was not superseded."""
    return (Decision.objects.filter(case=case).exclude(status=DecisionStatus.SUPERSEDED)
            .select_related("fault_code", "decided_by").first())


def fault_codes_active() -> QuerySet[FaultCode]:
    return FaultCode.objects.filter(active=True).order_by("code")


def case_timeline(*, case) -> QuerySet:
    """The case's audit trail, oldest first."""
    return case.audit_events.select_related("actor").order_by("at", "id")


def service_orders_of_case(*, case) -> list:
    """The case's swaps and visits (its service orders)."""
    return list(Swap.objects.filter(case=case)) + list(Visit.objects.filter(case=case))
