"""Calls for tests, made through the real ingestion path."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

from calls.ingest import agent_event_ingest, call_events_ingest

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday
_ids = itertools.count(1)


def at(seconds: float, base: datetime.datetime = T0) -> datetime.datetime:
    return base + datetime.timedelta(seconds=seconds)


def make_call(*, queued: float = 0, wait: float | None = 10, talk: float | None = 60,
              hold: float = 0, wrapup: float | None = 0, abandoned: bool = False,
              reason: str = "abandon", transferred: bool = False, caller: str = "+33612345678",
              queue: str = "hotline", agent: str = "Agent/1001", base=T0,
              telephony_id: str | None = None):
    """Ingest one call queued `queued` seconds after `base`.

    Answered after `wait` s, talking `talk` s (of which `hold` s on hold) then `wrapup` s of
    after-call work; or abandoned after `wait` s (with `reason`); `talk=None` leaves it open.
    """
    telephony_id = telephony_id or f"t-{next(_ids)}"
    start = at(queued, base)
    events = [{"kind": "queued", "at": start, "queue": queue, "caller": caller}]
    if abandoned:
        events.append({"kind": "abandoned", "at": at(wait, start), "data": {"reason": reason}})
    elif wait is not None:
        answered = at(wait, start)
        events.append({"kind": "answered", "at": answered, "agent": agent})
        if hold:
            events.append({"kind": "held", "at": at(1, answered), "agent": agent})
            events.append({"kind": "resumed", "at": at(1 + hold, answered), "agent": agent})
        if talk is not None:
            ended = at(talk + hold, answered)
            if transferred:
                events.append({"kind": "transferred", "at": ended, "agent": agent})
            events.append({"kind": "ended", "at": ended, "agent": agent})
            if wrapup is not None:
                events.append({"kind": "wrapup_done", "at": at(wrapup, ended), "agent": agent})
    call, _ = call_events_ingest(telephony_id=telephony_id, events=events, source="test")
    return call


def make_session(agent: str, start: float, end: float | None, base=T0) -> None:
    agent_event_ingest(agent=agent, kind="login", at=at(start, base), source="test")
    if end is not None:
        agent_event_ingest(agent=agent, kind="logout", at=at(end, base), source="test")
