"""The demo's call history: weeks of realistic traffic, all of it in the past."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Avg, Count, Max, Min, Q

from calls import demo
from calls.models import Call, CallEvent, Outcome

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SUNDAY_AFTERNOON = datetime.datetime(2026, 11, 29, 15, 7, tzinfo=PARIS)  # the day it was empty


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo's calls once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(SUNDAY_AFTERNOON, tick=False):
                out = io.StringIO()
                demo.load(stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _local_dates():
    return {value.astimezone(PARIS).date()
            for value in Call.objects.values_list("queued_at", flat=True)}


def test_the_demo_has_five_weeks_of_calls_up_to_today(loaded):
    dates = _local_dates()

    assert "simulated 0 calls" not in loaded
    assert min(dates) <= SUNDAY_AFTERNOON.date() - datetime.timedelta(days=28)
    assert SUNDAY_AFTERNOON.date() in dates
    assert Call.objects.count() > 5000


def test_no_call_or_event_of_the_demo_is_in_the_future(loaded):
    latest = Call.objects.aggregate(
        queued=Max("queued_at"), answered=Max("answered_at"), ended=Max("ended_at"),
        wrapped=Max("wrapup_done_at"))

    assert all(value <= SUNDAY_AFTERNOON for value in latest.values() if value)
    assert CallEvent.objects.aggregate(latest=Max("at"))["latest"] <= SUNDAY_AFTERNOON


def test_mondays_are_the_busiest_days_and_sundays_the_quietest(loaded):
    per_weekday = {}
    for value in Call.objects.values_list("queued_at", flat=True):
        day = value.astimezone(PARIS).date()
        per_weekday.setdefault(day.weekday(), {}).setdefault(day, 0)
        per_weekday[day.weekday()][day] += 1
    average = {weekday: sum(days.values()) / len(days) for weekday, days in per_weekday.items()}

    assert average[0] == max(average.values())
    assert average[6] == min(average.values())
    assert average[6] > 0


def test_calls_come_in_opening_hours_with_a_morning_peak(loaded):
    per_hour = [0] * 24
    for value in Call.objects.values_list("queued_at", flat=True):
        per_hour[value.astimezone(PARIS).hour] += 1

    assert sum(per_hour[:8]) + sum(per_hour[20:]) == 0
    assert per_hour[10] > 2 * per_hour[8]
    assert per_hour[10] > per_hour[13]


def test_most_calls_are_answered_within_20_seconds_and_last_about_3_minutes(loaded):
    answered = Q(outcome__in=[Outcome.ANSWERED, Outcome.TRANSFERRED])
    figures = Call.objects.aggregate(
        answered=Count("pk", filter=answered),
        within=Count("pk", filter=answered & Q(wait_seconds__lte=20)),
        abandoned=Count("pk", filter=Q(outcome=Outcome.ABANDONED)),
        offered=Count("pk"), talk=Avg("talk_seconds", filter=answered),
        first=Min("queued_at"))

    assert figures["within"] / figures["answered"] >= 0.8
    assert figures["abandoned"] / figures["offered"] < 0.1
    assert 140 <= figures["talk"] <= 220
