"""Demo data for the calls app: five weeks of simulated traffic, shifts, and a live call.

The traffic is a small handset maker's hotline (about 500 calls on a Monday, open every day
with a quiet Sunday, a morning and an afternoon peak, about 3-minute calls, staffed so that
most calls are answered within 20 s), stored through the bulk ingestion path: the wallboard,
the service-level report and the planner's forecast all have history to show.

Idempotent: the simulation is deterministic per day and seed and stops at the last quarter
hour (running it again adds only the calls of the quarter hours since the last run), shifts
and the live call are found before created. No call ends after the moment of loading.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.ingest import call_events_ingest
from calls.models import CallEvent, Shift
from calls.simulate import SOURCE, Profile, simulate
from hotline.models import CustomerPhone

DEMO_SEED = 2026
DEMO_DAYS = 35
DEMO_PROFILE = Profile(
    calls_per_day=500, aht_talk=170, wrapup=30, patience=120,
    weekday=(1.0, 0.9, 0.85, 0.85, 0.95, 0.55, 0.25),
    hourly=(0, 0, 0, 0, 0, 0, 0, 0, 5, 10, 12, 11, 8, 8, 10, 10, 9, 8, 6, 3, 0, 0, 0, 0),
)
SHIFTS = [("operator", 8, 16), ("operator2", 12, 20), ("supervisor", 9, 17)]


def load(*, stdout) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    # Five weeks: the planner's forecast averages the same weekday over the past four weeks,
    # the wallboard shows today, the report any period. Calls unfinished at the cut-off are
    # left out: nothing would ever end them, and they would wait on the wallboard for ever.
    cutoff = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    dates = [today - datetime.timedelta(days=k) for k in range(DEMO_DAYS - 1, -1, -1)]
    if CallEvent.objects.filter(source=SOURCE).exists():
        # Loading the demo again changes nothing: the numbers known now include customers the
        # other apps' demos added, so a second simulation would draw different calls.
        stdout.write("calls: the demo's simulated traffic is already loaded")
        _shifts(today)
        return
    known = sorted({str(number) for number in CustomerPhone.objects.values_list("number",
                                                                                flat=True)})
    report = simulate(dates=dates, seed=DEMO_SEED, profile=DEMO_PROFILE, known_numbers=known,
                      now=cutoff, partial_calls=False)
    stdout.write(f"calls: simulated {report.calls} calls over {report.days} days "
                 f"({report.events} new events)")
    _shifts(today)
    _live_call(now)


def _shifts(today: datetime.date) -> None:
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=[name for name, _start, _end in SHIFTS])}
    for day in (today, today + datetime.timedelta(days=1)):
        for username, start, end in SHIFTS:
            if username not in users:
                continue
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(start)))
            ends = timezone.make_aware(datetime.datetime.combine(day, datetime.time(end)))
            Shift.objects.get_or_create(operator=users[username], starts_at=starts,
                                        defaults={"ends_at": ends})


def _live_call(now: datetime.datetime) -> None:
    """A call from a known customer that `operator` (Agent/1001) has just answered."""
    telephony_id = f"demo-live-{timezone.localdate(now):%Y%m%d}"
    call_events_ingest(telephony_id=telephony_id, source="demo", events=[
        {"kind": "queued", "at": now - datetime.timedelta(seconds=75), "queue": "hotline",
         "caller": "+33612345678", "dialled": "+33800100200", "key": f"{telephony_id}:queued"},
        {"kind": "answered", "at": now - datetime.timedelta(seconds=62), "agent": "Agent/1001",
         "key": f"{telephony_id}:answered"},
    ])
