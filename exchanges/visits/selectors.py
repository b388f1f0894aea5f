"""Reads of technician visits: who covers an address, the visit measures and promises."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast
from django.utils import timezone

from exchanges.measures import share
from exchanges.models import OPEN_VISIT_STATES, Technician, Visit, VisitStatus
from exchanges.visits.slots import promise_window
from hotline.models import AuditEvent
from hotline.timeutils import local_day_bounds

V = VisitStatus
FINISHED = [V.COMPLETED, V.ESCALATED]


def technicians_covering(*, postcode: str, country: str, family: str = "") -> list[Technician]:
    """Return the active technicians whose territory and skills cover this address and family."""
    return [tech for tech in Technician.objects.active()
            if tech.covers(postcode=postcode, country=country, family=family)]


def visit_measures(*, since=None, until=None) -> dict:
    """Return the visit measures over visits decided in [since, until), computed in the database.

    started_in_24h: share of started visits whose technician left within 24 h of the decision;
    in_slot: share of arrivals inside the booked slot; avg_minutes_on_site; first_visit_fix:
    share of finished visits fixed on site at the first attempt; escalations: swaps ordered.
    """
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
        finished=Count("pk", filter=Q(status__in=FINISHED)),
        fixed_first=Count("pk", filter=Q(status=V.COMPLETED, had_no_access=False)),
        escalations=Count("pk", filter=Q(status=V.ESCALATED)),
        on_site=Avg(ExpressionWrapper(F("finished_at") - F("on_site_at"),
                                      output_field=DurationField()),
                    filter=Q(status__in=FINISHED)),
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


def visit_promises(*, now=None) -> dict:
    """Visit promises: booked slots today not yet finished, and visits late (the slot ended
    with no technician on site, or still unbooked past the 24-hour promise)."""

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


def visits_of_day(*, day: datetime.date, technician_user=None) -> QuerySet[Visit]:
    """The visits booked on the local `day`, by technician and slot (only `technician_user`'s
    when given)."""
    start, end = local_day_bounds(day=day)
    visits = (Visit.objects.filter(slot_start__gte=start, slot_start__lt=end)
              .select_related("case__customer", "case__handset__model", "technician",
                              "fault_code").prefetch_related("case__customer__phones")
              .order_by("technician__name", "slot_start", "id"))
    if technician_user is not None:
        visits = visits.filter(technician__user=technician_user)
    return visits


def next_visit_day(*, after: datetime.date, technician_user=None) -> datetime.date | None:
    """The next local day after `after` with a booked visit (`technician_user`'s when given)."""
    _start, end = local_day_bounds(day=after)
    visits = Visit.objects.holding_slots().filter(slot_start__gte=end)
    if technician_user is not None:
        visits = visits.filter(technician__user=technician_user)
    first = visits.order_by("slot_start").values_list("slot_start", flat=True).first()
    return timezone.localtime(first).date() if first is not None else None


def visits_unbooked() -> QuerySet[Visit]:
    """Visits waiting for a slot (new, or after no access), oldest decision first."""
    return (Visit.objects.filter(status__in=[V.REQUESTED, V.NO_ACCESS])
            .select_related("case__customer").order_by("decided_at", "id"))


def visit_open(*, case=None, number: str = "") -> Visit | None:
    """The case's open visit (by the case or its number), with what booking it needs."""
    visits = Visit.objects.filter(status__in=OPEN_VISIT_STATES)
    visits = visits.filter(case=case) if case is not None else visits.filter(case__number=number)
    return visits.select_related("case__handset__model", "technician", "fault_code").first()
