"""Reads of home swaps: the exceptions queue and its counts, the measures, a case's swaps, the
returned units, the IMEI ledger, the returned-unit inspections. Computed in the database."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.measures import share
from exchanges.models import Swap, SwapInspection, SwapStatus
from hotline.timeutils import local_day_bounds

# Why a swap is in the queue, beyond its status.
QUEUE_REASONS = {"late": _("late"), "booking_refused": _("courier refused the booking")}


def swaps_exceptions(*, now=None, kind: str = "") -> QuerySet[Swap]:
    """Return the swaps an operator has to work, oldest promise first: delivery failed, held at
    a depot, returned to sender, lost, faulty unit not returned, backordered, refused by the
    courier, or late (not delivered by the promise); each annotated with `exception_kind`
    (only those of `kind` when given)."""
    now = now or timezone.now()
    found = Swap.objects.to_work(now).with_exception_kind(now)
    if kind:
        found = found.filter(exception_kind=kind)
    return (found.select_related("case__customer", "warehouse", "unit", "outbound")
            .order_by(F("promised_by").asc(nulls_last=True), "created_at", "id"))


def swaps_exception_counts(*, now=None) -> list[tuple[str, str, int]]:
    """How many swaps the queue holds for each reason: [(kind, label, count)], by kind."""
    now = now or timezone.now()
    rows = (Swap.objects.to_work(now).with_exception_kind(now).order_by()
            .values("exception_kind").annotate(n=Count("id")).order_by("exception_kind"))
    labels = {**dict(SwapStatus.choices), **QUEUE_REASONS}
    return [(row["exception_kind"], labels.get(row["exception_kind"], row["exception_kind"]),
             row["n"]) for row in rows]


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
    return {
        "delivered": row["delivered"],
        "on_time_share": share(row["on_time"], row["delivered"]),
        "within_24h_share": share(row["within_24h"], row["delivered"]),
        "due_today": Swap.objects.due_between(start, end).count(),
        "late": Swap.objects.late(now).count(),
        "exceptions": Swap.objects.to_work(now).count(),
    }


def swaps_detailed() -> QuerySet[Swap]:
    """Swaps with what their pages and the API show (warehouse, unit, shipments, handsets)."""
    return Swap.objects.select_related("case", "model", "variant", "warehouse", "unit",
                                       "outbound", "collection", "original_handset",
                                       "replacement_handset")


def swaps_of_case(*, case) -> QuerySet[Swap]:
    """The case's swaps, newest first."""
    return swaps_detailed().filter(case=case).order_by("-created_at", "-id")


def swaps_returning() -> QuerySet[Swap]:
    """The repair centre's worklist: faulty units received (to inspect) first, then those on
    their way back."""
    return (Swap.objects.returning()
            .select_related("case__customer", "case__handset__model", "collection")
            .order_by("-status", "return_received_at", "delivered_at", "id"))


def ledger_links_of_customer(*, customer) -> QuerySet[Swap]:
    """The customer's swaps whose replacement became a registered handset, oldest first."""
    return (Swap.objects.filter(case__customer=customer, replacement_handset__isnull=False)
            .select_related("case", "original_handset", "replacement_handset")
            .order_by("delivered_at", "id"))


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


def inspection_summary(*, since=None) -> QuerySet:
    """Returned-unit inspections by outcome and fault code, most frequent first (for quality
    engineering): outcome, fault_code, count, imei_mismatches."""
    found = SwapInspection.objects.all()
    if since is not None:
        found = found.filter(inspected_at__gte=since)
    return (found.values("outcome", "fault_code")
            .annotate(count=Count("id"), imei_mismatches=Count("id", filter=Q(imei_matches=False)))
            .order_by("-count", "outcome", "fault_code"))


def swap_shipment_exists(shipment) -> Exists:
    """Whether a shipment (an OuterRef to its primary key) carries a swap, either way: what
    carriers folds into its look-up of a tracking batch's shipments (no query of its own)."""
    return Exists(Swap.objects.filter(Q(outbound=shipment) | Q(collection=shipment)))
