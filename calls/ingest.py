"""Telephony ingestion: the one path every event takes (CTI API, queue_log, simulation).

Each event is stored once under a unique key; the call is then rebuilt from all its stored
events sorted by time. Duplicates therefore add nothing and out-of-order events give the
same call as in-order ones.
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from calls.models import (
    AgentEvent,
    AgentEventKind,
    AgentSession,
    AgentState,
    AgentStatus,
    Call,
    CallEvent,
    EventKind,
    Outcome,
)
from hotline.errors import DomainError
from hotline.models import Profile
from hotline.selectors import customers_by_phone
from hotline.validators import normalise_phone

logger = logging.getLogger("calls.ingest")

WITHHELD = {"", "anonymous", "unknown", "withheld", "private", "restricted", "unavailable"}

# Among events with the same timestamp, the order in which they happened.
KIND_RANK = {
    EventKind.QUEUED: 0, EventKind.RING_NO_ANSWER: 1, EventKind.ANSWERED: 2,
    EventKind.HELD: 3, EventKind.RESUMED: 4, EventKind.TRANSFERRED: 5,
    EventKind.ABANDONED: 6, EventKind.ENDED: 6, EventKind.LOST: 7, EventKind.WRAPUP_DONE: 8,
}
EVENT_KINDS = frozenset(EventKind.values)
LEAVE_REASONS = {
    "timeout": Outcome.TIMEOUT, "key": Outcome.EXIT_KEY, "exit_key": Outcome.EXIT_KEY,
    "empty": Outcome.EXIT_EMPTY, "exit_empty": Outcome.EXIT_EMPTY,
}


class CallEventError(DomainError):
    """A telephony event that cannot be applied (unknown kind, no time, no call id)."""

    http_status = 400


@dataclass(frozen=True)
class IngestResult:
    call: Call
    created: bool  # False when the event had already been received


def caller_normalise(raw: str) -> tuple[str, bool]:
    """Return (E.164 or the raw digits, withheld?) for a caller id as the platform sends it."""
    return _caller_normalise(raw or "", settings.PHONENUMBER_DEFAULT_REGION)


@functools.lru_cache(maxsize=65536)  # repeat callers, and the bulk path asks twice per call
def _caller_normalise(raw: str, region: str | None) -> tuple[str, bool]:
    text = raw.strip()
    if "<" in text and text.endswith(">"):  # "Name" <0612345678>
        text = text.rsplit("<", 1)[1][:-1].strip()
    if text.lower() in WITHHELD:
        return "", True
    try:
        return normalise_phone(text, region), False
    except ValidationError:
        return text[:40], False


def call_event_ingest(
    *, telephony_id: str, kind: str, at: datetime.datetime, queue: str = "",
    caller: str | None = None, dialled: str = "", agent: str = "", data: dict | None = None,
    key: str | None = None, source: str = "cti",
) -> IngestResult:
    """Store one call event (once per key) and rebuild its call from all its events."""
    event = {"kind": kind, "at": at, "queue": queue, "caller": caller, "dialled": dialled,
             "agent": agent, "data": data, "key": key}
    call, added = call_events_ingest(telephony_id=telephony_id, events=[event], source=source)
    return IngestResult(call=call, created=bool(added))


def _event_row(telephony_id: str, source: str, event: dict) -> dict:
    kind, at, agent = event.get("kind"), event.get("at"), event.get("agent") or ""
    if kind not in EVENT_KINDS:
        raise CallEventError(f"Unknown call event {kind!r}.", field="event")
    if not isinstance(at, datetime.datetime) or at.tzinfo is None:
        raise CallEventError("A call event needs an aware timestamp.", field="at")
    payload = dict(event.get("data") or {})
    for name in ("queue", "dialled"):
        if event.get(name):
            payload[name] = event[name]
    if event.get("caller") is not None:
        payload["caller"] = event["caller"]
    key = event.get("key") or f"{source}:{telephony_id}:{kind}:{at.isoformat()}:{agent}"
    return {"key": key[:200], "kind": kind, "at": at, "agent_id": agent[:40], "data": payload}


def call_events_ingest(*, telephony_id: str, events: list[dict],
                       source: str = "cti") -> tuple[Call, int]:
    """Store a call's events (each once per key), rebuild the call once; return (call, added).

    An event is a dict: kind, at (aware), and optionally queue, caller, dialled, agent, data,
    key (the idempotency key; by default source, call, kind, time and agent).
    """
    if not telephony_id:
        raise CallEventError("A call event needs the call's telephony id.", field="call_id")
    rows = {}
    for event in events:
        row = _event_row(telephony_id, source, event)
        rows.setdefault(row["key"], row)
    with transaction.atomic():
        call = _call_locked(telephony_id[:80])
        existing = set(CallEvent.objects.filter(key__in=list(rows)).values_list("key", flat=True))
        new = [CallEvent(call=call, source=source, **row)
               for key, row in rows.items() if key not in existing]
        if not new:
            return call, 0
        try:
            with transaction.atomic():
                CallEvent.objects.bulk_create(new)
        except IntegrityError:  # a concurrent request stored one of them first: one by one
            new = [event for event in new if _create_once(event)]
        if not new:
            return call, 0
        call_rebuild(call, list(call.events.all()))
        _agent_follow_call(call, max(event.at for event in new))
    logger.debug("call_events call=%s added=%d outcome=%s", call.telephony_id, len(new),
                call.outcome or "-")
    return call, len(new)


def _call_locked(telephony_id: str) -> Call:
    """Return the call with this id, locked for this transaction, creating it if new."""
    call = Call.objects.select_for_update().filter(telephony_id=telephony_id).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return Call.objects.create(telephony_id=telephony_id)
    except IntegrityError:  # created concurrently
        return Call.objects.select_for_update().get(telephony_id=telephony_id)


def _create_once(event: CallEvent) -> bool:
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return False
    return True


def call_rebuild(call: Call, events: list[CallEvent]) -> Call:
    """Set every derived field of `call` from its events, in time order, and save it."""
    call_fold(call, events, operator_of=operator_of_agent, customer_of=customer_of_number)
    call.save()
    return call


def operator_of_agent(agent_id: str) -> int | None:
    """Return the id of the user whose profile maps to this telephony agent, if any."""
    return (Profile.objects.filter(agent_id=agent_id).values_list("user_id", flat=True)
            .first())


def customer_of_number(number: str) -> int | None:
    """Return the customer with this number when exactly one has it."""

    found = list(customers_by_phone(number).values_list("pk", flat=True)[:2])
    return found[0] if len(found) == 1 else None


def call_fold(call: Call, events, *, operator_of, customer_of) -> Call:
    """Set every derived field of `call` from its events, in time order, without saving.

    `events` have kind, at, agent_id, data and pk (CallEvents or the bulk path's rows);
    `operator_of(agent_id)` and `customer_of(number)` return ids or None, so that the bulk
    path answers them from maps loaded once per batch.
    """
    events = sorted(events, key=lambda e: (e.at, KIND_RANK.get(e.kind, 9), e.pk or 0))
    first = {}
    for event in events:
        first.setdefault(event.kind, event)
    _rebuild_identity(call, events, customer_of)
    queued = first.get(EventKind.QUEUED)
    call.queued_at = queued.at if queued else (events[0].at if events else None)
    call.queued_epoch = int(call.queued_at.timestamp()) if call.queued_at else None
    answered = first.get(EventKind.ANSWERED)
    lost = first.get(EventKind.LOST)
    ends = [e for e in events if e.kind in (EventKind.ENDED, EventKind.ABANDONED)]
    end = ends[0] if ends else None
    if lost is not None and (end is None or lost.at < end.at):
        end = lost
    if answered is not None and end is not None and answered.at > end.at:
        answered = None  # answered after the call had left the queue: not this call's answer
    call.transferred = any(e.kind == EventKind.TRANSFERRED for e in events)
    call.answered_at = answered.at if answered else None
    agent_before = call.agent_id
    call.agent_id = answered.agent_id if answered else ""  # from the events alone: any order
    if call.agent_id != agent_before:
        call.operator_id = None
    call.ended_at = end.at if end else None
    call.outcome = _outcome(end, answered, call.transferred)
    stop = call.answered_at or call.ended_at
    call.wait_seconds = max(0.0, (stop - call.queued_at).total_seconds()) if stop else None
    call.hold_seconds = _hold_seconds(events, call.ended_at)
    if call.answered_at and call.ended_at:
        talk = (call.ended_at - call.answered_at).total_seconds() - call.hold_seconds
        call.talk_seconds = max(0.0, talk)
    else:
        call.talk_seconds = None
    wrapup = first.get(EventKind.WRAPUP_DONE)
    call.wrapup_done_at = wrapup.at if wrapup else None
    if wrapup and call.ended_at and call.answered_at:
        call.wrapup_seconds = max(0.0, (wrapup.at - call.ended_at).total_seconds())
    else:
        call.wrapup_seconds = 0.0
    if call.agent_id and call.operator_id is None:
        call.operator_id = operator_of(call.agent_id)
    return call


def _rebuild_identity(call: Call, events, customer_of) -> None:
    for event in events:
        data = event.data or {}
        if data.get("queue") and not call.queue:
            call.queue = str(data["queue"])[:80]
        if data.get("dialled") and not call.dialled_number:
            call.dialled_number = str(data["dialled"])[:40]
        if "caller" in data and not call.caller_raw and not call.caller_withheld:
            raw = str(data["caller"] or "")
            number, withheld = caller_normalise(raw)
            call.caller_raw, call.caller_number = raw[:80], number
            call.caller_withheld = withheld or bool(data.get("withheld"))
            if call.caller_withheld:
                call.caller_number = ""
            if call.caller_number and call.customer_id is None:
                call.customer_id = customer_of(call.caller_number)


def _outcome(end, answered, transferred: bool) -> str:
    if end is None:
        return ""
    if end.kind == EventKind.LOST:
        return Outcome.LOST
    if answered is not None:
        return Outcome.TRANSFERRED if transferred else Outcome.ANSWERED
    reason = str((end.data or {}).get("reason", "")).lower()
    return LEAVE_REASONS.get(reason, Outcome.ABANDONED)


def _hold_seconds(events: list[CallEvent], ended_at) -> float:
    total, held_since = 0.0, None
    for event in events:
        if event.kind == EventKind.HELD and held_since is None:
            held_since = event.at
        elif event.kind == EventKind.RESUMED and held_since is not None:
            total += (event.at - held_since).total_seconds()
            held_since = None
    if held_since is not None and ended_at is not None and ended_at > held_since:
        total += (ended_at - held_since).total_seconds()
    return max(0.0, total)


def _agent_follow_call(call: Call, at: datetime.datetime) -> None:
    """Move the answering agent's state along with the call, unless a newer call owns it."""
    if not call.agent_id or call.answered_at is None:
        return
    state = _agent_state(call.agent_id, at)
    if state.call_id not in (None, call.pk):
        current = Call.objects.filter(pk=state.call_id).values_list("answered_at", flat=True)
        current_answered = current.first()
        if current_answered is not None and current_answered > call.answered_at:
            return
    agent_state_follow(state, call)
    state.save()


def agent_state_follow(state: AgentState, call: Call) -> None:
    """Set the agent's status from the call they answered (no saving)."""
    if call.ended_at is None:
        status, since = AgentStatus.ON_CALL, call.answered_at
    elif call.wrapup_done_at is None and call.outcome != Outcome.LOST:
        status, since = AgentStatus.WRAPUP, call.ended_at
    else:
        status = AgentStatus.PAUSED if state.paused else AgentStatus.AVAILABLE
        since = call.wrapup_done_at or call.ended_at
    # the id only: the bulk path's new calls are not model instances
    state.status, state.since, state.call_id = status, since, call.pk


def _agent_state(agent_id: str, at: datetime.datetime) -> AgentState:
    state, created = AgentState.objects.select_for_update().get_or_create(
        agent_id=agent_id, defaults={"since": at, "status": AgentStatus.AVAILABLE})
    if created:
        state.operator_id = (Profile.objects.filter(agent_id=agent_id)
                             .values_list("user_id", flat=True).first())
    return state


def agent_event_ingest(
    *, agent: str, kind: str, at: datetime.datetime, key: str | None = None,
    source: str = "cti",
) -> bool:
    """Apply a login, logout, pause or unpause of an agent. Return False for a duplicate."""
    if not agent:
        raise CallEventError("An agent event needs the agent.", field="agent")
    if kind not in AgentEventKind.values:
        raise CallEventError(f"Unknown agent event {kind!r}.", field="event")
    if at is None or at.tzinfo is None:
        raise CallEventError("An agent event needs an aware timestamp.", field="at")
    key = (key or f"{source}:agent:{agent}:{kind}:{at.isoformat()}")[:200]
    with transaction.atomic():
        try:
            with transaction.atomic():
                AgentEvent.objects.create(key=key, agent_id=agent, kind=kind, at=at,
                                          source=source)
        except IntegrityError:
            return False
        state = _agent_state(agent, at)
        if kind == AgentEventKind.LOGIN:
            _session_open(agent, at)
        elif kind == AgentEventKind.LOGOUT:
            _session_close(agent, at)
        if at >= state.since or state.status == AgentStatus.LOGGED_OUT:
            _agent_apply(state, kind, at)
        state.save()
    return True


def _agent_apply(state: AgentState, kind: str, at) -> None:
    busy = state.status in (AgentStatus.ON_CALL, AgentStatus.WRAPUP)
    if kind == AgentEventKind.LOGIN:
        state.paused = False
        if not busy:
            state.status, state.since = AgentStatus.AVAILABLE, at
    elif kind == AgentEventKind.LOGOUT:
        state.status, state.since, state.paused = AgentStatus.LOGGED_OUT, at, False
    elif kind == AgentEventKind.PAUSED:
        state.paused = True
        if not busy:
            state.status, state.since = AgentStatus.PAUSED, at
    elif kind == AgentEventKind.UNPAUSED:
        state.paused = False
        if state.status == AgentStatus.PAUSED:
            state.status, state.since = AgentStatus.AVAILABLE, at


def _session_open(agent: str, at) -> None:
    open_session = AgentSession.objects.filter(agent_id=agent, ended_at__isnull=True).first()
    if open_session is not None:
        if open_session.started_at <= at:
            return  # already logged in: a repeated login
        open_session.delete()  # an older login arrived late: it starts the session
    AgentSession.objects.create(agent_id=agent, started_at=at, start_epoch=int(at.timestamp()))


def _session_close(agent: str, at) -> None:
    session = (AgentSession.objects.filter(agent_id=agent, ended_at__isnull=True,
                                           started_at__lte=at).order_by("-started_at").first())
    if session is not None:
        session.ended_at, session.end_epoch = at, int(at.timestamp())
        session.save(update_fields=["ended_at", "end_epoch"])


def calls_close_open(*, before: datetime.datetime, source: str, queue: str = "") -> int:
    """Close as lost every call from `source` still open that entered a queue before
    `before`: the platform restarted, so these calls will never get their exit event."""
    open_calls = Call.objects.filter(ended_at__isnull=True, queued_at__lt=before,
                                     events__source=source).distinct()
    if queue:
        open_calls = open_calls.filter(queue=queue)
    closed = 0
    for telephony_id in open_calls.values_list("telephony_id", flat=True):
        result = call_event_ingest(
            telephony_id=telephony_id, kind=EventKind.LOST, at=before, source=source,
            key=f"{source}:{telephony_id}:lost:{before.isoformat()}",
            data={"reason": "restart"})
        closed += int(result.created)
    return closed


def calls_close_stale(*, now: datetime.datetime | None = None, waiting_hours: float = 2,
                      connected_hours: float = 12) -> int:
    """Close as lost the calls whose exit event never came: still waiting after
    `waiting_hours`, or still connected after `connected_hours` (the platform lost them)."""
    now = now or timezone.now()
    stale = Call.objects.filter(ended_at__isnull=True).filter(
        Q(answered_at__isnull=True, queued_at__lt=now - datetime.timedelta(hours=waiting_hours))
        | Q(answered_at__lt=now - datetime.timedelta(hours=connected_hours)))
    closed = 0
    for telephony_id in stale.values_list("telephony_id", flat=True)[:1000]:
        result = call_event_ingest(
            telephony_id=telephony_id, kind=EventKind.LOST, at=now, source="stale",
            key=f"stale:{telephony_id}:lost", data={"reason": "no exit event"})
        closed += int(result.created)
    if closed:
        logger.warning("calls_closed_stale count=%d", closed)
    return closed
