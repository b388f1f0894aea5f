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


def visit_measures(*, since=None, until=None) -> dict:
    """Return the visit measures over visits decided in [since, until), computed in the database.

    started_in_24h: share of started visits whose technician left within 24 h of the decision;
    in_slot: share of arrivals inside the booked slot; avg_minutes_on_site; first_visit_fix:
    share of finished visits fixed on site at the first attempt; escalations: swaps ordered.
    """
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
    from django.db.models.functions import Cast

    from exchanges.models import Visit
    from exchanges.slots import promise_window
    from hotline.models import AuditEvent

    visits = Visit.objects.all()
    if since is not None:
        visits = visits.filter(decided_at__gte=since)
    if until is not None:
        visits = visits.filter(decided_at__lt=until)
    no_access = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Visit), action="report_no_access",
        object_id=Cast(OuterRef("pk"), output_field=AuditEvent._meta.get_field("object_id")))
    row = visits.annotate(had_no_access=Exists(no_access)).aggregate(
        started=Count("pk", filter=Q(en_route_at__isnull=False)),
        started_in_time=Count("pk", filter=Q(
            en_route_at__isnull=False, en_route_at__lte=F("decided_at") + promise_window())),
        arrived=Count("pk", filter=Q(on_site_at__isnull=False)),
        arrived_in_slot=Count("pk", filter=Q(on_site_at__gte=F("slot_start"),
                                             on_site_at__lte=F("slot_end"))),
        finished=Count("pk", filter=Q(status__in=["completed", "escalated"])),
        fixed_first=Count("pk", filter=Q(status="completed", had_no_access=False)),
        escalations=Count("pk", filter=Q(status="escalated")),
        on_site=Avg(ExpressionWrapper(F("finished_at") - F("on_site_at"),
                                      output_field=DurationField()),
                    filter=Q(status__in=["completed", "escalated"])),
    )

    def share(part, whole):
        return round(part / whole, 3) if whole else None

    on_site = row["on_site"]
    if on_site is not None and not isinstance(on_site, datetime.timedelta):
        on_site = datetime.timedelta(microseconds=on_site)
    return {
        "visits_started": row["started"],
        "started_within_promise": share(row["started_in_time"], row["started"]),
        "arrived_within_slot": share(row["arrived_in_slot"], row["arrived"]),
        "avg_minutes_on_site": round(on_site.total_seconds() / 60, 1) if on_site else None,
        "first_visit_fix_rate": share(row["fixed_first"], row["finished"]),
        "escalations_to_swap": row["escalations"],
    }
