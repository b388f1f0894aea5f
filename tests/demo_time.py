"""Checks that the demo is coherent in time: nothing it creates is dated in the future, a case's timeline
starts when the case was opened, no shipment has news from before its ship date, and the
timeline carries the times of what it records (a courier's event at the time the courier gave,
the booking before the parcel's news, messages not before their case)."""

import datetime

from django.db.models import F, Max, Min, Q
from django.utils import timezone

from carriers.models import Shipment, TrackingEvent
from hotline.models import AuditEvent, Case, Notification


def check_the_demo_is_coherent_in_time():
    """Run by tests/test_french_console.py on its loaded demo (one demo load, not two: loading
    the demo costs about a minute)."""
    now = timezone.now() + datetime.timedelta(minutes=1)

    future_cases = list(Case.objects.filter(created_at__gt=now).values_list("number", flat=True))
    future_events = AuditEvent.objects.filter(at__gt=now).count()
    early = list(Case.objects.annotate(first=Min("audit_events__at"))
                 .filter(first__lt=F("created_at") - datetime.timedelta(seconds=1))
                 .values_list("number", flat=True))
    # News of the parcel itself (a booking confirmed before the ship date is no such news).
    news_before_shipping = [
        shipment.tracking_number for shipment in Shipment.objects.annotate(
            last=Max("events__occurred_at", filter=~Q(events__status="booked")))
        if shipment.last and timezone.localdate(shipment.last) < shipment.ship_date]

    # A courier's event is on the timeline at the time the courier gave it, not when the demo
    # loaded it.
    occurred = dict(TrackingEvent.objects.values_list("pk", "occurred_at"))
    off_time = [
        (event.case_id, event.action) for event in AuditEvent.objects.filter(
            data__has_key="tracking_event", case__isnull=False)
        if event.data["tracking_event"] in occurred
        and abs(event.at - occurred[event.data["tracking_event"]]) > datetime.timedelta(minutes=1)]
    # A case whose parcel has news from a day before shows more than one minute on its timeline.
    flat = [number for number, first, last in Case.objects.annotate(
        first=Min("audit_events__at"), last=Max("audit_events__at")).filter(
        audit_events__data__has_key="tracking_event").values_list("number", "first", "last")
        .distinct() if first and last and last - first < datetime.timedelta(minutes=1)
        and TrackingEvent.objects.filter(
            shipment__in=Shipment.objects.filter(pk__in=_shipments_of(number)),
            occurred_at__lt=timezone.now() - datetime.timedelta(hours=2)).exists()]
    early_messages = list(Notification.objects.filter(
        created_at__lt=F("case__created_at") - datetime.timedelta(seconds=1))
        .values_list("case__number", flat=True).distinct())

    assert off_time == []
    assert flat == []
    assert early_messages == []
    assert Case.objects.count() > 30
    assert future_cases == []
    assert future_events == 0
    assert early == []
    assert Shipment.objects.exists()
    assert news_before_shipping == []


def _shipments_of(number: str) -> list[int]:
    from exchanges.models import Swap

    return [pk for pair in Swap.objects.filter(case__number=number).values_list(
        "outbound_id", "collection_id") for pk in pair if pk]
