"""Realistic call traffic, fed through the bulk ingestion path of the CTI batches.

Arrivals are Poisson with a rate that follows a time-of-day and weekday profile; each interval
is staffed by Erlang C for its expected traffic (sometimes one operator short, as in real
life); callers wait for the first free operator in arrival order and hang up when their
patience (exponential) runs out; talk times are log-normal, with holds, transfers and
after-call work. Events later than `now` are not sent, so today's traffic is still live.
The calls are stored in bulk batches, each one before operators log out (their state follows
their calls).
"""

from __future__ import annotations

import datetime
import heapq
import math
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from calls.bulk import agent_events_ingest_bulk, call_events_ingest_bulk, commit_without_waiting
from calls.erlang import staffing_required
from calls.metrics import sl_threshold
from hotline.models import Profile as UserProfile

# Share of a weekday's calls per hour of the day (local time); 0 = closed.
HOURLY = [0, 0, 0, 0, 0, 0, 0, 0, 5, 10, 12, 11, 8, 8, 10, 10, 9, 8, 6, 3, 0, 0, 0, 0]
WEEKDAY = [1.0, 0.9, 0.85, 0.85, 0.95, 0.5, 0.0]  # Monday .. Sunday
SOURCE = "sim"


@dataclass
class SimulationReport:
    days: int = 0
    calls: int = 0
    events: int = 0
    answered: int = 0
    abandoned: int = 0
    agents: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Profile:
    calls_per_day: float = 400
    aht_talk: float = 240
    wrapup: float = 30
    patience: float = 90
    max_wait: float = 600
    transfer_share: float = 0.03
    hold_share: float = 0.15
    withheld_share: float = 0.04
    queue: str = "hotline"
    dialled: str = "+33800100200"
    hourly: tuple[float, ...] = tuple(HOURLY)  # share of a day's calls per local hour
    weekday: tuple[float, ...] = tuple(WEEKDAY)  # the day's calls relative to Monday's


def simulate(*, days: int = 1, seed: int = 1, dates: list[datetime.date] | None = None,
             profile: Profile | None = None, agents: list[str] | None = None,
             known_numbers: list[str] | None = None,
             now: datetime.datetime | None = None,
             partial_calls: bool = True) -> SimulationReport:
    """Simulate the last `days` days up to `now` (or the given `dates`).

    With `partial_calls` the calls still in progress at `now` are sent as far as they got
    (they stay waiting or connected, as on a live platform); without, they are left out.
    """
    profile = profile or Profile()
    now = now or timezone.now()
    today = timezone.localdate(now)
    dates = dates or [today - datetime.timedelta(days=k) for k in range(days - 1, -1, -1)]
    report = SimulationReport()
    agents = list(agents or _default_agents())
    for day in sorted(dates):
        rng = random.Random(f"{seed}-{day.isoformat()}")
        with transaction.atomic():  # one commit per day: the same events, much faster
            commit_without_waiting()  # the same seed gives the same events: run it again
            _simulate_day(day, rng, profile, agents, known_numbers or [], now, report, seed,
                          partial_calls)
        report.days += 1
    return report


def _default_agents() -> list[str]:
    known = list(UserProfile.objects.exclude(agent_id="").order_by("agent_id")
                 .values_list("agent_id", flat=True))
    return known + [f"Agent/{2001 + n}" for n in range(40)]


def _enough_agents(agents: list[str], wanted: int) -> None:
    """Add generated agents when a large centre needs more than are known."""
    number = 2001 + len(agents)
    while len(agents) < wanted:
        if f"Agent/{number}" not in agents:
            agents.append(f"Agent/{number}")
        number += 1


def _interval_rate(day: datetime.date, hour: int, profile: Profile) -> float:
    """Expected calls per second during this hour."""
    share = profile.hourly[hour] / sum(profile.hourly)
    return profile.calls_per_day * profile.weekday[day.weekday()] * share / 3600


def _simulate_day(day, rng, profile, agents, known_numbers, now, report, seed,
                  partial_calls) -> None:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    free: dict[str, datetime.datetime] = {}  # agent -> free again at
    on_duty: list[str] = []
    pending: dict[str, list[dict]] = {}
    number = 0
    for hour in range(24):
        rate = _interval_rate(day, hour, profile)
        hour_start = start + datetime.timedelta(hours=hour)
        wanted = 0
        if rate > 0:
            need = staffing_required(calls=rate * 3600, interval_seconds=3600,
                                     aht=profile.aht_talk + profile.wrapup + 10, target=0.8,
                                     answer_within=sl_threshold())
            wanted = max(1, need.agents - (1 if rng.random() < 0.3 else 0))
            _enough_agents(agents, wanted)
        rostered = agents[:wanted] if wanted else []
        if any(agent not in rostered for agent in on_duty):
            _store(pending, report)  # the calls so far, before some operators log out
        _roster(on_duty, rostered, hour_start, free, now, report)
        if rate <= 0:
            continue
        t = hour_start
        while True:
            t += datetime.timedelta(seconds=rng.expovariate(rate))
            if t >= hour_start + datetime.timedelta(hours=1) or t > now:
                break
            number += 1
            telephony_id = f"{SOURCE}-{seed}-{day:%Y%m%d}-{number:05d}"
            events, result = _one_call(t, rng, profile, on_duty, free, known_numbers)
            if not partial_calls and events[-1]["at"] > now:
                continue
            pending[telephony_id] = [event for event in events if event["at"] <= now]
            report.calls += 1
            report.answered += result == "answered"
            report.abandoned += result == "abandoned"
    _store(pending, report)
    _roster(on_duty, [], start + datetime.timedelta(days=1), free, now, report)


def _store(pending: dict[str, list[dict]], report: SimulationReport) -> None:
    if pending:
        report.events += call_events_ingest_bulk(calls=pending, source=SOURCE).added
        pending.clear()


def _roster(on_duty: list[str], wanted: list[str], at, free, now, report) -> None:
    """Log out the operators who leave, then log in those who arrive: one bulk batch."""
    events = []
    for agent in [a for a in on_duty if a not in wanted]:
        leave = max(at, free.get(agent, at))
        if leave <= now:
            events.append({"agent": agent, "kind": "logout", "at": leave})
        on_duty.remove(agent)
    for agent in wanted:
        if agent not in on_duty:
            on_duty.append(agent)
            free[agent] = max(free.get(agent, at), at)
            report.agents.add(agent)
            if at <= now:
                events.append({"agent": agent, "kind": "login", "at": at})
    if events:
        agent_events_ingest_bulk(events, source=SOURCE)


def _caller(rng, profile, known_numbers) -> str:
    roll = rng.random()
    if roll < profile.withheld_share:
        return "anonymous"
    if known_numbers and roll < 0.15:
        return rng.choice(known_numbers)
    if roll < 0.3:  # repeat callers from a small pool, for first-contact resolution
        return f"+3361{rng.randrange(1000):04d}000"
    return f"+336{rng.randrange(10**8):08d}"


def _one_call(t, rng, profile, on_duty, free, known_numbers):
    seconds = datetime.timedelta(seconds=1)
    events = [{"kind": "queued", "at": t, "queue": profile.queue, "dialled": profile.dialled,
               "caller": _caller(rng, profile, known_numbers)}]
    patience = rng.expovariate(1 / profile.patience)
    candidates = [(free.get(agent, t), agent) for agent in on_duty]
    if not candidates:
        events.append({"kind": "abandoned", "at": t + seconds * rng.uniform(5, 30),
                       "data": {"reason": "empty"}})
        return events, "left"
    heapq.heapify(candidates)
    free_at, agent = candidates[0]
    wait = max(0.0, (free_at - t).total_seconds())
    if wait > min(patience, profile.max_wait):
        timeout = profile.max_wait < patience
        leave = min(patience, profile.max_wait)
        reason = "timeout" if timeout else ("key" if rng.random() < 0.05 else "abandon")
        events.append({"kind": "abandoned", "at": t + seconds * round(leave, 1),
                       "data": {"reason": reason}})
        return events, "abandoned" if reason == "abandon" else "left"
    wait = round(wait + rng.uniform(1, 4), 1)  # the phone rings before it is picked up
    answered = t + seconds * wait
    talk = rng.lognormvariate(math.log(profile.aht_talk) - 0.18, 0.6)
    events.append({"kind": "answered", "at": answered, "agent": agent})
    cursor = answered + seconds * round(talk * rng.uniform(0.2, 0.6), 1)
    if rng.random() < profile.hold_share:
        events.append({"kind": "held", "at": cursor, "agent": agent})
        cursor += seconds * round(rng.uniform(10, 90), 1)
        events.append({"kind": "resumed", "at": cursor, "agent": agent})
    ended = max(cursor, answered + seconds * round(talk, 1))
    if rng.random() < profile.transfer_share:
        events.append({"kind": "transferred", "at": ended, "agent": agent,
                       "data": {"target": "2nd-level"}})
    events.append({"kind": "ended", "at": ended, "agent": agent})
    done = ended + seconds * round(rng.uniform(0.5, 1.5) * profile.wrapup, 1)
    events.append({"kind": "wrapup_done", "at": done, "agent": agent})
    free[agent] = done
    return events, "answered"
