"""Reads of home swaps: the exceptions queue, the measures, the IMEI ledger, the returned-unit
inspections."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from exchanges.measures import share
from exchanges.models import EXCEPTION_STATES, Swap, SwapInspection
from exchanges.models.swaps import OUTBOUND_STATES
from hotline.timeutils import local_day_bounds


def swaps_exceptions(*, now=None):
    """Return the swaps an operator has to work, oldest promise first: delivery failed, held at
    a depot, returned to sender, lost, faulty unit not returned, backordered, refused by the
    courier, or late (not delivered by the promise)."""
    now = now or timezone.now()
    late = Q(status__in=[*OUTBOUND_STATES, "reserved"], promised_by__lt=now)
    refused = Q(status__in=["reserved", *OUTBOUND_STATES, "returned_to_sender", "lost"]) & ~Q(
        booking_error="")
    return (Swap.objects.filter(Q(status__in=EXCEPTION_STATES) | late | refused)
            .select_related("case__customer", "warehouse", "unit", "outbound")
            .order_by(F("promised_by").asc(nulls_last=True), "created_at"))


def swap_exception_kind(swap, *, now=None) -> str:
    """Why the swap is in the queue."""
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


def handset_chain(*, handset) -> list:
    """Return the IMEI ledger through `handset`: [(swap, original, replacement), ...] from the
    first handset to the last replacement."""
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
    found = SwapInspection.objects.all()
    if since is not None:
        found = found.filter(inspected_at__gte=since)
    rows = (found.values("outcome", "fault_code")
            .annotate(count=Count("id"), imei_mismatches=Count("id", filter=Q(imei_matches=False)))
            .order_by("-count", "outcome", "fault_code"))
    return list(rows)
