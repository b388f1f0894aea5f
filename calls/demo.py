"""Demo data for the calls app: a few days of simulated traffic, shifts, and a live call.

Idempotent: the simulation is deterministic per day and seed (running it again adds only the
calls of the minutes since the last run), shifts and the live call are found before created.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.ingest import call_events_ingest
from calls.models import Shift
from calls.simulate import Profile, simulate
from hotline.models import CustomerPhone

DEMO_SEED = 2026
SHIFTS = [("operator", 8, 16), ("operator2", 12, 20), ("supervisor", 9, 17)]


def load(*, stdout) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    # The same weekday over the past four weeks feeds today's forecast (the planner); today
    # feeds the wallboard; all of them the reports. Calls unfinished at load time are left
    # out: nothing would ever end them, and they would wait on the wallboard for ever.
    dates = sorted({today - datetime.timedelta(weeks=k) for k in range(1, 5)} | {today})
    known = sorted({str(number) for number in CustomerPhone.objects.values_list("number",
                                                                                flat=True)})
    report = simulate(dates=dates, seed=DEMO_SEED, profile=Profile(calls_per_day=120),
                      known_numbers=known, now=now, partial_calls=False)
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
