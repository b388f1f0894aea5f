"""Reads of the exchanges app."""

from __future__ import annotations

from django.db.models import QuerySet

from diagnostics.models import FaultCode
from diagnostics.selectors import Recommendation, case_recommendation
from exchanges.models import Decision, DecisionStatus, Diagnosis, Quote, ReplacementUnit, Technician
from hotline.timeutils import local_day_bounds


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


def share(part, whole) -> float | None:
    """Return part / whole to three places, or None when there is nothing to divide by."""
    return round(part / whole, 3) if whole else None


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


# --- swaps -----------------------------------------------------------------------------------
def swaps_exceptions(*, now=None):
    """Return the swaps an operator has to work, oldest promise first: delivery failed, held at
    a depot, returned to sender, lost, faulty unit not returned, backordered, refused by the
    courier, or late (not delivered by the promise)."""
    from django.db.models import F, Q
    from django.utils import timezone

    from exchanges.models import EXCEPTION_STATES, Swap
    from exchanges.models.swaps import OUTBOUND_STATES

    now = now or timezone.now()
    late = Q(status__in=[*OUTBOUND_STATES, "reserved"], promised_by__lt=now)
    refused = Q(status__in=["reserved", *OUTBOUND_STATES, "returned_to_sender", "lost"]) & ~Q(
        booking_error="")
    return (Swap.objects.filter(Q(status__in=EXCEPTION_STATES) | late | refused)
            .select_related("case__customer", "warehouse", "unit", "outbound")
            .order_by(F("promised_by").asc(nulls_last=True), "created_at"))


def swap_exception_kind(swap, *, now=None) -> str:
    """Why the swap is in the queue."""
    from django.utils import timezone

    from exchanges.models.swaps import OUTBOUND_STATES

    if swap.booking_error:
        return "booking_refused"
    if swap.status in ("delivery_failed", "held_at_depot", "returned_to_sender", "lost",
                       "faulty_not_returned", "backordered"):
        return swap.status
    if swap.status in [*OUTBOUND_STATES, "reserved"] and swap.promised_by and \
            swap.promised_by < (now or timezone.now()):
        return "late"
    return swap.status


def swap_measures(*, since=None, until=None, now=None) -> dict:
    """On-time share (delivered by the promise) and share delivered within 24 h of the decision,
    over swaps decided in [since, until); open exceptions; promises due today and late."""
    import datetime

    from django.db.models import Count, F, Q
    from django.utils import timezone

    from exchanges.models import Swap
    from exchanges.models.swaps import OUTBOUND_STATES

    now = now or timezone.now()
    swaps = Swap.objects.all()
    if since is not None:
        swaps = swaps.filter(decided_at__gte=since)
    if until is not None:
        swaps = swaps.filter(decided_at__lt=until)
    row = swaps.aggregate(
        delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        on_time=Count("pk", filter=Q(delivered_at__isnull=False, delivered_at__lte=F("promised_by"))),
        within_24h=Count("pk", filter=Q(
            delivered_at__isnull=False,
            delivered_at__lte=F("decided_at") + datetime.timedelta(hours=24))),
    )
    start, end = local_day_bounds(now)
    pending = Swap.objects.filter(status__in=[*OUTBOUND_STATES, "reserved"])

    return {
        "delivered": row["delivered"],
        "on_time_share": share(row["on_time"], row["delivered"]),
        "within_24h_share": share(row["within_24h"], row["delivered"]),
        "due_today": pending.filter(promised_by__gte=start, promised_by__lt=end).count(),
        "late": pending.filter(promised_by__lt=now).count(),
        "exceptions": swaps_exceptions(now=now).count(),
    }


def visit_promises(*, now=None) -> dict:
    """Visit promises: booked slots today not yet finished, and visits late (the slot ended
    with no technician on site, or still unbooked past the 24-hour promise)."""

    from django.db.models import Q
    from django.utils import timezone

    from exchanges.models import Visit, VisitStatus
    from exchanges.slots import promise_window

    now = now or timezone.now()
    start, end = local_day_bounds(now)
    waiting = [VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE]
    return {
        "due_today": Visit.objects.filter(
            status__in=waiting + [VisitStatus.ON_SITE], slot_start__gte=start,
            slot_start__lt=end).count(),
        "late": Visit.objects.filter(
            Q(status__in=waiting, slot_end__lt=now)
            | Q(status=VisitStatus.REQUESTED, decided_at__lt=now - promise_window())).count(),
    }


def wallboard_figures() -> list:
    """Wallboard figures (the calls plug-in slots): swaps and visits ordered today, and the
    logistics promises (swap deliveries and technician visits) due today and late."""
    from django.utils.translation import gettext as _

    from calls.wallboard import Figure
    from exchanges.models import Swap, Visit

    start, end = local_day_bounds()
    swaps, visits = swap_measures(), visit_promises()
    late = swaps["late"] + visits["late"]
    return [
        Figure("outcome_swap", _("Swaps ordered today"),
               Swap.objects.filter(created_at__gte=start, created_at__lt=end).count()),
        Figure("outcome_visit", _("Visits ordered today"),
               Visit.objects.filter(created_at__gte=start, created_at__lt=end).count()),
        Figure("promises_due_today", _("Promises due today"),
               swaps["due_today"] + visits["due_today"]),
        Figure("promises_late", _("Promises late"), late, tone="bad" if late else "good"),
    ]


def handset_chain(*, handset) -> list:
    """Return the IMEI ledger through `handset`: [(swap, original, replacement), ...] from the
    first handset to the last replacement."""
    from exchanges.models import Swap

    chain = []
    current, seen = handset, set()
    while current is not None and current.pk not in seen:  # walk back to the first handset
        seen.add(current.pk)
        back = Swap.objects.filter(replacement_handset=current).select_related(
            "original_handset").first()
        if back is None:
            break
        current = back.original_handset
    seen = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        forward = (Swap.objects.filter(original_handset=current, replacement_handset__isnull=False)
                   .select_related("replacement_handset", "case").first())
        if forward is None:
            break
        chain.append((forward, current, forward.replacement_handset))
        current = forward.replacement_handset
    return chain


def inspection_summary(*, since=None) -> list[dict]:
    """Returned-unit inspections by outcome and fault code, most frequent first (for quality
    engineering): outcome, fault_code, count, imei_mismatches."""
    from django.db.models import Count, Q

    from exchanges.models import SwapInspection

    found = SwapInspection.objects.all()
    if since is not None:
        found = found.filter(inspected_at__gte=since)
    rows = (found.values("outcome", "fault_code")
            .annotate(count=Count("id"), imei_mismatches=Count("id", filter=Q(imei_matches=False)))
            .order_by("-count", "outcome", "fault_code"))
    return list(rows)
