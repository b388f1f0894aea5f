"""Checks that the demo is coherent in time: nothing it creates is dated in the future, a case's timeline
starts when the case was opened, and no shipment has news from before its ship date."""

import datetime

from django.db.models import F, Max, Min, Q
from django.utils import timezone

from carriers.models import Shipment
from hotline.models import AuditEvent, Case


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

    assert Case.objects.count() > 30
    assert future_cases == []
    assert future_events == 0
    assert early == []
    assert Shipment.objects.exists()
    assert news_before_shipping == []
