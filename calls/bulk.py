"""Bulk telephony ingestion: many calls' events in a few statements per batch.

The same guarantees as `calls.ingest.call_events_ingest` (each event stored once under its
key, the call folded from all its stored events in time order), for the paths that receive
events in batches (the queue_log import, CTI batches, the simulator):

1. every event is checked and keyed first (a bad call is reported, the others go on);
2. one query finds the calls that exist already (locked) and one the keys already stored;
3. new calls are folded from their events in memory and inserted in bulk with their final
   figures; their events are inserted in bulk (PostgreSQL: COPY into a temporary table, then
   one INSERT ... ON CONFLICT DO NOTHING; SQLite: executemany of INSERT OR IGNORE);
4. existing calls that received a new event are folded again from all their stored events
   (one query) and updated in bulk;
5. each agent's state follows the latest call they answered in the batch.

Operators (agent -> user) and customers (number -> the one customer with it) are looked up
once per batch. A batch that meets a concurrent writer on a new call falls back to the
one-call path, which locks each call: the result is the same, only slower.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import operator
import threading
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import DateTimeField, F
from django.utils import timezone

from calls import fold_sql
from calls.ingest import (
    CallEventError,
    _agent_apply,
    _event_row,
    agent_state_follow,
    call_events_ingest,
    call_fold,
    caller_normalise,
)
from calls.models import (
    AgentEvent,
    AgentEventKind,
    AgentSession,
    AgentState,
    AgentStatus,
    Call,
    CallEvent,
)
from hotline.models import CustomerPhone, Profile

# Columns written when a call is created or folded again.
FOLDED = ["queue", "caller_number", "caller_raw", "caller_withheld", "dialled_number",
          "queued_at", "queued_epoch", "answered_at", "agent_id", "operator", "ended_at",
          "wrapup_done_at", "wait_seconds", "talk_seconds", "hold_seconds", "wrapup_seconds",
          "transferred", "outcome", "customer", "updated_at"]
CHUNK = 900  # values per IN list: under SQLite's default limit of bound parameters
# On PostgreSQL, fold the calls in SQL (calls.fold_sql); the Python fold below serves SQLite
# (and the tests and benchmark that compare both folds on PostgreSQL).
FOLD_IN_SQL = True


@dataclass
class BulkResult:
    calls: int = 0  # calls that received at least one new event
    added: int = 0  # events stored
    duplicates: int = 0  # events already stored (or repeated in the batch)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (telephony id, message)


class _NewCall:
    """A call about to be created, as the fold sets it: its columns' values by attribute
    name (a model instance costs more to build than the fold itself)."""

    pk = None

    def __init__(self, defaults: dict, **values):
        self.__dict__.update(defaults)
        self.__dict__.update(values)


class _Event(NamedTuple):
    """A call event as the fold reads it (the stored CallEvent's fields)."""

    kind: str
    at: datetime.datetime
    agent_id: str
    data: dict
    pk: int | None = None


class _Lookups:
    """Operators and customers looked up once per batch, for the fold."""

    def __init__(self, numbers: set[str]):
        self.operators = dict(Profile.objects.exclude(agent_id="")
                              .values_list("agent_id", "user_id"))
        self.customers = _single_customers(sorted(number for number in numbers if number))

    def operator_of(self, agent_id: str) -> int | None:
        return self.operators.get(agent_id)

    def customer_of(self, number: str) -> int | None:
        return self.customers.get(number)


def _single_customers(numbers: list[str]) -> dict[str, int]:
    """Return {number: customer} for the numbers exactly one customer has (raw SQL: the ORM
    would parse every number of the IN list again as a phone number field)."""
    table = CustomerPhone._meta.db_table
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(numbers, CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT number, MIN(customer_id) FROM {table} "
                           f"WHERE number IN ({marks}) GROUP BY number "
                           f"HAVING COUNT(DISTINCT customer_id) = 1", chunk)
            found.update(cursor.fetchall())
    return found


_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # blocks paused now (any thread), whether the collector was on


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector for a batch: a batch allocates hundreds of
    thousands of short-lived dicts and tuples (no cycles), and the collector's passes over
    them cost 10 to 15 % of the batch. The memory is bounded by the batch's size. Counted
    across threads (an import plans its next batch in a second thread): the collector runs
    again when the last paused block ends."""
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


def commit_without_waiting() -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL's
    `synchronous_commit = off`, for this transaction only): for the imports that can be run
    again, whose batch commits with its checkpoint. A crash may lose the last batches'
    commits, never part of one (the database stays consistent), and the import then
    resumes from the last checkpoint that reached the disk. Never for the CTI API, whose
    answer promises the events are stored."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _chunks(items: list, size: int):
    for offset in range(0, len(items), size):
        yield items[offset:offset + size]


def call_events_ingest_bulk(*, calls: dict[str, list[dict]], source: str) -> BulkResult:
    """Store the events of many calls (each once per key) and fold every call that changed.

    `calls` maps a telephony id to its events (dicts as for `call_events_ingest`). A call
    with a bad event is left out and reported in `errors`; the others are stored.
    """
    with gc_paused():
        return call_events_store(call_events_stage(calls=calls, source=source))


@dataclass
class StagedCalls:
    """A batch checked and keyed, ready for `call_events_store` (no database work yet, so
    that an import can stage its next batch while the database stores this one)."""

    calls: dict[str, list[dict]]  # as received: the one-call fallback sends them again
    source: str
    rows: dict[str, dict[str, dict]]  # {telephony id: {key: row}}
    result: BulkResult  # the errors and the batch's own repeats so far
    staged: fold_sql.Staged | None = None  # the rows for calls.fold_sql (PostgreSQL)


def call_events_stage(*, calls: dict[str, list[dict]], source: str,
                      vendor: str | None = None) -> StagedCalls:
    """Check and key a batch (and, for the SQL fold, build its rows): pure Python, safe to
    run in another thread than the one that stores it. `vendor` names the database the
    batch is for (by default the connection's)."""
    result = BulkResult()
    rows = _rows(calls, source, result)
    batch = StagedCalls(calls=calls, source=source, rows=rows, result=result)
    if FOLD_IN_SQL and (vendor or connection.vendor) == "postgresql":
        batch.staged = _stage_sql(rows)
    return batch


def call_events_store(batch: StagedCalls) -> BulkResult:
    """Store a staged batch in a few statements (see the module's docstring)."""
    result, rows, source = batch.result, batch.rows, batch.source
    if not rows:
        return result
    try:
        with transaction.atomic():
            if batch.staged is not None and connection.vendor == "postgresql":
                added, result.calls = fold_sql.ingest(batch.staged, source=source,
                                                      now=timezone.now())
                result.added = added
                result.duplicates += len(batch.staged.rows) - added
            else:
                _ingest(rows, source, result)
    except (IntegrityError, OperationalError):  # a concurrent writer created one of these
        # calls (or the two deadlocked): call by call, each call locked
        result.calls = result.added = result.duplicates = 0
        for telephony_id, events in batch.calls.items():
            if telephony_id[:80] in rows:
                _, added = call_events_ingest(telephony_id=telephony_id, events=events,
                                              source=source)
                result.calls += bool(added)
                result.added += added
                result.duplicates += len(events) - added
    return result


def _rows(calls: dict[str, list[dict]], source: str, result: BulkResult) -> dict:
    """Return {telephony id: {key: row}}, leaving out (and reporting) the calls in error."""
    rows: dict[str, dict[str, dict]] = {}
    for telephony_id, events in calls.items():
        if not telephony_id:
            result.errors.append(("", "A call event needs the call's telephony id."))
            continue
        keyed: dict[str, dict] = {}
        try:
            for event in events:
                row = _event_row(telephony_id, source, event)
                if row["key"] in keyed:
                    result.duplicates += 1
                keyed.setdefault(row["key"], row)
        except CallEventError as exc:
            result.errors.append((telephony_id, str(exc)))
            continue
        rows.setdefault(telephony_id[:80], {}).update(keyed)
    return rows


def _ingest(rows: dict[str, dict[str, dict]], source: str, result: BulkResult) -> None:
    existing_ids = _existing_calls(list(rows))
    stored = _stored_keys([key for keyed in rows.values() for key in keyed])
    fresh: dict[str, list[dict]] = {}
    for telephony_id, keyed in rows.items():
        new = [row for key, row in keyed.items() if key not in stored]
        result.duplicates += len(keyed) - len(new)
        if new:
            fresh[telephony_id] = new
    if not fresh:
        return
    numbers = {number for new in fresh.values() for number in _callers_of(new)}
    lookups = _Lookups(numbers)
    now = timezone.now()
    created = _calls_create(
        {tid: new for tid, new in fresh.items() if tid not in existing_ids}, lookups, now)
    pks = {**{tid: pk for tid, pk in existing_ids.items() if tid in fresh},
           **{tid: call.pk for tid, call in created.items()}}
    result.added = _events_insert(
        [(pks[tid], row) for tid, new in fresh.items() for row in new], source, now)
    result.duplicates += sum(len(new) for new in fresh.values()) - result.added
    changed = list(Call.objects.filter(
        pk__in=[pk for tid, pk in existing_ids.items() if tid in fresh]).order_by("pk"))
    _calls_refold(changed, lookups, now)
    result.calls = len(fresh)
    _agents_follow([*created.values(), *changed], lookups)


def _stage_sql(rows: dict[str, dict[str, dict]]) -> fold_sql.Staged:
    """The batch's rows for calls.fold_sql: the caller id normalised here (once per
    distinct caller id, phonenumbers), everything else done by the database."""
    encode = DjangoJSONEncoder().encode
    staged = []
    for telephony_id, keyed in rows.items():
        for row in keyed.values():
            data = row["data"]
            staged.append((len(staged), telephony_id, row["key"], row["kind"], row["at"],
                           row["agent_id"], encode(data),
                           *(_caller_columns(data) if "caller" in data else _NO_CALLER)))
    return fold_sql.staged(staged)


_NO_CALLER = (None, None, None)


def _caller_columns(data: dict) -> tuple[str, str, bool]:
    """(caller id as received, number, withheld?) as call_fold sets them from an event."""
    raw = str(data["caller"] or "")
    number, withheld = caller_normalise(raw)
    withheld = withheld or bool(data.get("withheld"))
    return raw[:80], "" if withheld else number, withheld


def _select_in(sql: str, values: list, *, lock: bool = False) -> list[tuple]:
    """Run `sql` (with `{in}` where the IN list goes) for all `values`, raw: the ORM spends
    more on building a 900-value IN list than the database spends on answering it. On
    PostgreSQL the values go as one array parameter (one statement per batch)."""
    found: list[tuple] = []
    suffix = " ORDER BY 1 FOR UPDATE" if lock and connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(**{"in": "= ANY(%s)"}) + suffix, [values])
            return cursor.fetchall()
        for chunk in _chunks(values, CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(**{"in": f"IN ({marks})"}), chunk)
            found.extend(cursor.fetchall())
    return found


def _existing_calls(ids: list[str]) -> dict[str, int]:
    """Return {telephony id: pk} of the calls that exist, locked (in pk order)."""
    rows = _select_in(f"SELECT id, telephony_id FROM {Call._meta.db_table} "
                      f"WHERE telephony_id {{in}}", ids, lock=True)
    return {telephony_id: pk for pk, telephony_id in rows}


def _stored_keys(keys: list[str]) -> set[str]:
    return {key for (key,) in _select_in(
        f"SELECT key FROM {CallEvent._meta.db_table} WHERE key {{in}}", keys)}


def _callers_of(rows: list[dict]) -> set[str]:
    """The numbers of every caller id the rows name: the fold takes the first in time,
    which need not be the first listed (a batch may hold the events in any order)."""
    numbers = set()
    for row in rows:
        if "caller" in row["data"]:
            number, withheld = caller_normalise(str(row["data"]["caller"] or ""))
            if number and not withheld:
                numbers.add(number)
    return numbers


def _calls_create(fresh: dict[str, list[dict]], lookups: _Lookups, now) -> dict[str, Call]:
    """Fold the new calls from their events in memory and insert them with their figures."""
    calls = []
    fields = [f for f in Call._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    for telephony_id, new in fresh.items():
        call = _NewCall(defaults, telephony_id=telephony_id, created_at=now, updated_at=now)
        call_fold(call, [_Event(kind=r["kind"], at=r["at"], agent_id=r["agent_id"],
                                data=r["data"], pk=n) for n, r in enumerate(new)],
                  operator_of=lookups.operator_of, customer_of=lookups.customer_of)
        calls.append(call)
    if not calls:
        return {}
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = _db_rows(calls, fields)
    table = Call._meta.db_table
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    ids = _existing_calls(list(fresh))
    for call in calls:
        call.pk = ids[call.telephony_id]
    return {call.telephony_id: call for call in calls}


def _events_insert(rows: list[tuple[int, dict]], source: str, now) -> int:
    """Insert the events, skipping keys stored meanwhile; return how many were stored."""
    if not rows:
        return 0
    encode = DjangoJSONEncoder().encode  # as JSONField stores it, without one encoder a row
    values = [(call_id, row["key"], row["kind"], row["at"], row["agent_id"], source,
               encode(row["data"]), now) for call_id, row in rows]
    table = CallEvent._meta.db_table
    columns = "call_id, key, kind, at, agent_id, source, data, received_at"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS _callevent_in "
                           f"ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} "
                           f"WITH NO DATA")
            cursor.execute("TRUNCATE _callevent_in")
            with cursor.cursor.copy(f"COPY _callevent_in ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} "
                           f"FROM _callevent_in ON CONFLICT (key) DO NOTHING")
            added = cursor.rowcount
            cursor.execute("TRUNCATE _callevent_in")
            return added
        before = _count_changes(cursor)
        received = _sqlite_moment(now)
        cursor.executemany(
            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(c, k, kind, _sqlite_moment(at), a, s, d, received)
             for c, k, kind, at, a, s, d, _r in values])
        return _count_changes(cursor) - before


def _count_changes(cursor) -> int:
    cursor.execute("SELECT total_changes()")
    return cursor.fetchone()[0]


def _calls_refold(calls: list[Call], lookups: _Lookups, now) -> None:
    """Fold the existing calls that changed again from all their stored events."""
    if not calls:
        return
    events: dict[int, list[_Event]] = {call.pk: [] for call in calls}
    for chunk in _chunks(list(events), CHUNK):
        for call_id, kind, at, agent_id, data, pk in (
                CallEvent.objects.filter(call_id__in=chunk).order_by()
                .values_list("call_id", "kind", "at", "agent_id", "data", "pk")):
            events[call_id].append(_Event(kind=kind, at=at, agent_id=agent_id, data=data, pk=pk))
    for call in calls:
        call_fold(call, events[call.pk], operator_of=lookups.operator_of,
                  customer_of=lookups.customer_of)
        call.updated_at = now
    fields = [Call._meta.get_field(name) for name in FOLDED]
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Call._meta.db_table} SET {sets} WHERE id = %s",
                           [(*row, call.pk) for row, call in zip(_db_rows(calls, fields), calls,
                                                                  strict=True)])


def _db_rows(calls: list[Call], fields) -> list[tuple]:
    """Return each call's values for `fields` as the database takes them: Django's own
    conversion for each value costs more than the rest of the batch."""
    names = [f.attname for f in fields]
    moments = {f.attname for f in fields if isinstance(f, DateTimeField)}
    if connection.vendor != "sqlite" or not moments:
        values = operator.attrgetter(*names)  # one C call per call
        return [values(call) for call in calls]
    return [tuple(_sqlite_moment(getattr(call, name)) if name in moments
                  else getattr(call, name) for name in names) for call in calls]


def _sqlite_moment(value: datetime.datetime | None) -> str | None:
    """Return an aware moment as Django stores it in SQLite (naive UTC, ISO with a space)."""
    if value is None:
        return None
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


def _agents_follow(calls: list, lookups: _Lookups) -> None:
    """Move each agent's state to the latest call they answered in the batch, unless a call
    answered later owns it already (what the one-call path does, call after call): one
    query for the states (with the answer time of the call each one follows), one insert,
    one batch of updates."""
    latest: dict = {}
    for call in calls:
        if call.agent_id and call.answered_at is not None:
            seen = latest.get(call.agent_id)
            if seen is None or call.answered_at > seen.answered_at:
                latest[call.agent_id] = call
    if not latest:
        return
    states = {state.agent_id: state for state in
              AgentState.objects.select_for_update(of=("self",))
              .filter(agent_id__in=list(latest))
              .annotate(call_answered_at=F("call__answered_at"))}
    changed, created = [], []
    for agent_id, call in latest.items():
        state = states.get(agent_id)
        if state is None:
            state = AgentState(agent_id=agent_id, since=call.answered_at,
                               status=AgentStatus.AVAILABLE,
                               operator_id=lookups.operator_of(agent_id))
            created.append(state)
        elif state.call_id not in (None, call.pk):
            current = state.call_answered_at
            if current is not None and current > call.answered_at:
                continue
            changed.append(state)
        else:
            changed.append(state)
        agent_state_follow(state, call)
    AgentState.objects.bulk_create(created)
    if changed:
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AgentState._meta.db_table} SET status = %s, since = %s, "
                f"call_id = %s WHERE id = %s",
                [(state.status, adapt(state.since), state.call_id, state.pk)
                 for state in changed])


def agent_events_ingest_bulk(events: list[dict], *, source: str) -> int:
    """Apply many logins, logouts, pauses and unpauses (dicts: agent, kind, at, key) in
    their list order, as `agent_event_ingest` one after the other would, in a few
    statements: the stored keys, the agents' states and open sessions are read once, the
    events applied in memory, then the events, sessions and states written in bulk.
    Return how many events were new."""
    rows: dict[str, dict] = {}
    for event in events:
        agent, kind, at = event.get("agent") or "", event.get("kind"), event.get("at")
        if not agent:
            raise CallEventError("An agent event needs the agent.", field="agent")
        if kind not in AgentEventKind.values:
            raise CallEventError(f"Unknown agent event {kind!r}.", field="event")
        if at is None or at.tzinfo is None:
            raise CallEventError("An agent event needs an aware timestamp.", field="at")
        key = (event.get("key") or f"{source}:agent:{agent}:{kind}:{at.isoformat()}")[:200]
        rows.setdefault(key, {"agent": agent, "kind": kind, "at": at, "key": key})
    if not rows:
        return 0
    with transaction.atomic():
        stored = _select_in(f"SELECT key FROM {AgentEvent._meta.db_table} WHERE key {{in}}",
                            list(rows))
        new = [row for key, row in rows.items() if key not in {k for (k,) in stored}]
        if not new:
            return 0
        AgentEvent.objects.bulk_create([
            AgentEvent(key=row["key"], agent_id=row["agent"], kind=row["kind"], at=row["at"],
                       source=source) for row in new])
        agents = sorted({row["agent"] for row in new})
        states = {state.agent_id: state for state in
                  AgentState.objects.select_for_update().filter(agent_id__in=agents)}
        existing = {state.agent_id for state in states.values()}
        opened = {session.agent_id: session for session in
                  AgentSession.objects.select_for_update()
                  .filter(agent_id__in=agents, ended_at__isnull=True)}
        before = {session.pk: session for session in opened.values()}
        deleted, added = [], []
        operators = None
        for row in new:
            agent, kind, at = row["agent"], row["kind"], row["at"]
            state = states.get(agent)
            if state is None:
                if operators is None:
                    operators = dict(Profile.objects.filter(agent_id__in=agents)
                                     .values_list("agent_id", "user_id"))
                state = states[agent] = AgentState(agent_id=agent, since=at,
                                                   status=AgentStatus.AVAILABLE,
                                                   operator_id=operators.get(agent))
            session = opened.get(agent)
            if kind == AgentEventKind.LOGIN and (session is None or session.started_at > at):
                if session is not None:  # an older login arrived late: it starts the session
                    if session.pk:
                        deleted.append(session)
                    else:
                        added.remove(session)
                opened[agent] = AgentSession(agent_id=agent, started_at=at,
                                             start_epoch=int(at.timestamp()))
                added.append(opened[agent])
            elif kind == AgentEventKind.LOGOUT and session is not None \
                    and session.started_at <= at:
                session.ended_at, session.end_epoch = at, int(at.timestamp())
                del opened[agent]
            if at >= state.since or state.status == AgentStatus.LOGGED_OUT:
                _agent_apply(state, kind, at)
        AgentSession.objects.filter(pk__in=[session.pk for session in deleted]).delete()
        AgentSession.objects.bulk_update(
            [s for s in before.values() if s.ended_at is not None and s not in deleted],
            ["ended_at", "end_epoch"])
        AgentSession.objects.bulk_create(
            [s for s in added if s.ended_at is not None] + [s for s in added if s.ended_at is None])
        AgentState.objects.bulk_create([s for a, s in states.items() if a not in existing])
        AgentState.objects.bulk_update([s for a, s in states.items() if a in existing],
                                       ["status", "since", "paused"])
    return len(new)
