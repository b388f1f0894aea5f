"""Reads of the exchanges app."""

from __future__ import annotations

from django.db.models import QuerySet

from diagnostics.models import FaultCode
from diagnostics.selectors import Recommendation, case_recommendation
from exchanges.models import Decision, DecisionStatus, Diagnosis, Quote, ReplacementUnit, Technician


def stock_available(*, model, variant=None) -> int:
    """Return how many like-for-like replacement units are available now."""
    return ReplacementUnit.objects.available().like_for_like(model=model, variant=variant).count()


def technicians_covering(*, postcode: str, country: str, family: str = "") -> list[Technician]:
    """Return the active technicians whose territory and skills cover this address and family."""
    return [tech for tech in Technician.objects.active()
            if tech.covers(postcode=postcode, country=country, family=family)]


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


def quote_current(*, case) -> Quote | None:
    """Return the case's latest quote."""
    return Quote.objects.filter(case=case).prefetch_related("lines").first()


def quote_by_token(*, token: str) -> Quote | None:
    """Return the quote a customer link names, or None."""
    if not token or len(token) > 64:
        return None
    return (Quote.objects.select_related("case__customer", "case__handset__model")
            .prefetch_related("lines").filter(token=token).first())


def fault_codes_active() -> QuerySet[FaultCode]:
    return FaultCode.objects.filter(active=True).order_by("code")
