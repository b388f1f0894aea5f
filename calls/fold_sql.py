"""The call fold in SQL, for the bulk path on PostgreSQL.

`calls.ingest.call_fold` builds a call from its events in Python; at contact-centre scale
(hundreds of thousands of events a minute) the Python fold, not the database, bounded the
import. On PostgreSQL the bulk path therefore sends a batch's events to the database once
(COPY into a temporary table) and rebuilds every affected call there, set-based, in a few
statements per batch:

1. the batch's calls that exist keep their id and are locked, in id order (as the one-call
   path locks its call); a new call takes an id from the sequence;
2. the events are inserted (`ON CONFLICT (key) DO NOTHING`, in the batch's order, so ties
   keep their arrival order as ids), and the calls that received one are noted;
3. those calls are folded from all their stored events by one statement (the query below,
   the same rules as `call_fold`, rule for rule), which inserts the new calls with their
   figures and updates the others: each call is written once;
4. each agent's state follows the latest call they answered (one INSERT ... ON CONFLICT).

A concurrent writer that creates one of the batch's new calls first makes the insert of
step 3 fail: the batch is then rolled back to its savepoint and goes call by call
(`calls.bulk`), as before.

The batch's own tables are small and have no statistics: every access to the large tables
goes through an index explicitly (LATERAL look-ups fenced by OFFSET 0, `= ANY(ARRAY(...))`), so that no plan
reads a whole table per batch and the cost per line stays flat as the tables grow.

What stays in Python: checking and keying the events (`calls.bulk`), and the caller number's
normalisation (phonenumbers), computed once per distinct caller id and sent with the event.
A call's caller comes from the first of its events that names one, and only while the call
has none: all such events of a call without a caller are new in the batch (every stored
event was folded when it was stored), so the batch always holds the normalised number.

The arithmetic is done in float8 in the order the Python fold does it (each interval as
`timedelta.total_seconds()` gives it, the holds added in time order), so the figures are
the same to the last bit; `tests/integration/test_calls_postgres.py` compares both folds
on random events, and the queue_log benchmark compares the calls and the SLA report of a
whole import.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db import connection

from calls.ingest import KIND_RANK
from calls.models import AgentState, Call, CallEvent
from hotline.models import CustomerPhone, Profile

STAGE = "_call_in"
CHANGED = "_call_changed"
IDS = "_call_ids"
# The columns the fold sets (all but the id, telephony id, handset and time stamps).
FOLDED = ("queue", "dialled_number", "caller_raw", "caller_number", "caller_withheld",
          "customer_id", "queued_at", "queued_epoch", "answered_at", "agent_id", "operator_id",
          "ended_at", "transferred", "outcome", "wait_seconds", "hold_seconds", "talk_seconds",
          "wrapup_done_at", "wrapup_seconds")
STAGE_COLUMNS = ("seq", "telephony_id", "key", "kind", "at", "agent_id", "data",
                 "caller_raw", "caller_number", "caller_withheld")


class Staged(NamedTuple):
    """A batch's rows for the stage table (tuples in STAGE_COLUMNS order, keys unique), and
    the same rows already written as COPY text (see `staged`)."""

    rows: list[tuple]
    payload: bytes


# COPY's text format: fields separated by tabs, rows by newlines, NULL as \N, and these
# four characters escaped inside a field.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NO_CALLER = "\t\\N\t\\N\t\\N"


def staged(rows: list[tuple]) -> Staged:
    """Return the stage rows with their COPY text, built here rather than while the batch
    is stored: an import builds it in the thread that plans the next batch, so that the
    thread holding the connection sends one buffer instead of formatting 20,000 rows
    between the database's statements (and takes the GIL less often while the planning
    thread holds it). Moments are written with their offset (ISO 8601), as psycopg sends
    them. A row is escaped field by field only when it holds a character to escape."""
    text = str.__str__  # the value of a str enum (an event kind), in any Python version
    lines = []
    for row in rows:
        seq, telephony_id, key, kind, at, agent_id, data, raw, number, withheld = row
        line = (f"{int(seq)}\t{telephony_id}\t{key}\t{text(kind)}\t{at.isoformat()}\t"
                f"{agent_id}\t{data}")
        if raw is None:
            if line.count("\t") != 6 or _special(line):
                line = _escaped(row)
            else:
                line += _NO_CALLER
        else:
            line += f"\t{raw}\t{number}\t{'t' if withheld else 'f'}"
            if line.count("\t") != 9 or _special(line):
                line = _escaped(row)
        lines.append(line)
    lines.append("")
    return Staged(rows, "\n".join(lines).encode())


def _special(line: str) -> bool:
    return "\\" in line or "\n" in line or "\r" in line


def _escaped(row: tuple) -> str:
    return "\t".join("\\N" if value is None else "t" if value is True else "f" if value is False
                     else value.isoformat() if isinstance(value, datetime.datetime)
                     else str(int(value)) if isinstance(value, int)
                     else str.__str__(value).translate(_ESCAPES) for value in row)


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in KIND_RANK.items())
    return f"CASE {column} {whens} ELSE 9 END"


def _truthy(value: str) -> str:
    """SQL for Python's truth of a JSON value (`data.get(name)` in the fold)."""
    return (f"(CASE jsonb_typeof({value}) WHEN 'string' THEN {value} #>> '{{}}' <> '' "
            f"WHEN 'number' THEN ({value} #>> '{{}}')::numeric <> 0 "
            f"WHEN 'boolean' THEN {value} = 'true'::jsonb "
            f"WHEN 'array' THEN {value} <> '[]'::jsonb "
            f"WHEN 'object' THEN {value} <> '{{}}'::jsonb ELSE false END)")


def _first(expression: str, condition: str) -> str:
    """The value of `expression` for the call's first event (fold order) meeting
    `condition`."""
    return (f"(array_agg({expression} ORDER BY at, rank, id) "
            f"FILTER (WHERE {condition}))[1]")


def _seconds(interval: str) -> str:
    """An interval as `timedelta.total_seconds()` gives it (exact microseconds, then the
    nearest float)."""
    return f"extract(epoch FROM {interval})::float8"


def _sql() -> dict[str, str]:
    call, event = Call._meta.db_table, CallEvent._meta.db_table
    phones, profiles = CustomerPhone._meta.db_table, Profile._meta.db_table
    states = AgentState._meta.db_table
    columns = ", ".join(FOLDED)
    sets = ", ".join(f"{name} = f.{name}" for name in FOLDED)
    ends = "kind IN ('ended', 'abandoned')"
    fold = f"""
WITH ev AS (
    SELECT x.call_id, e.id, e.kind, e.at, e.agent_id, e.data, e.key,
           {_rank_sql('e.kind')} AS rank
    FROM {CHANGED} x CROSS JOIN LATERAL (  -- through the call_id index, whatever the sizes
        SELECT id, kind, at, agent_id, data, key FROM {event} WHERE call_id = x.call_id
        OFFSET 0) e
), hr AS (  -- holds and resumes, each with the kind of the one before it
    SELECT call_id, id, kind, at, rank,
           lag(kind) OVER (PARTITION BY call_id ORDER BY at, rank, id) AS prev
    FROM ev WHERE kind IN ('held', 'resumed')
), hr_since AS (  -- a hold starts at a 'held' not preceded by one; it lasts to a 'resumed'
    SELECT call_id, id, kind, at, rank, prev,
           max(CASE WHEN kind = 'held' AND prev IS DISTINCT FROM 'held' THEN at END)
               OVER (PARTITION BY call_id ORDER BY at, rank, id
                     ROWS UNBOUNDED PRECEDING) AS since,
           row_number() OVER (PARTITION BY call_id ORDER BY at DESC, rank DESC, id DESC)
               AS from_end
    FROM hr
), holds AS (
    SELECT call_id,
           sum({_seconds('at - since')} ORDER BY at, rank, id)
               FILTER (WHERE kind = 'resumed' AND prev = 'held') AS closed,
           max(since) FILTER (WHERE from_end = 1 AND kind = 'held') AS open_since
    FROM hr_since GROUP BY call_id
), agg AS (
    SELECT call_id,
           coalesce(min(at) FILTER (WHERE kind = 'queued'), min(at)) AS queued_at,
           min(at) FILTER (WHERE kind = 'answered') AS answered_at,
           {_first('agent_id', "kind = 'answered'")} AS answered_agent,
           min(at) FILTER (WHERE {ends}) AS end_at,
           {_first("data -> 'reason'", ends)} AS end_reason,
           min(at) FILTER (WHERE kind = 'lost') AS lost_at,
           bool_or(kind = 'transferred') AS transferred,
           min(at) FILTER (WHERE kind = 'wrapup_done') AS wrapup_at,
           {_first("left(data ->> 'queue', 80)", _truthy("data -> 'queue'"))} AS queue,
           {_first("left(data ->> 'dialled', 40)", _truthy("data -> 'dialled'"))} AS dialled,
           {_first('key', "data ? 'caller'")} AS caller_key
    FROM ev GROUP BY call_id
), ended AS (  -- a 'lost' before the end (or with none) ends the call as lost
    SELECT agg.*,
           lost_at IS NOT NULL AND (end_at IS NULL OR lost_at < end_at) AS is_lost,
           CASE WHEN lost_at IS NOT NULL AND (end_at IS NULL OR lost_at < end_at)
                THEN lost_at ELSE end_at END AS ended_at
    FROM agg
), answered AS (  -- answered after the call had left the queue: not this call's answer
    SELECT ended.*,
           CASE WHEN ended_at IS NULL OR answered_at <= ended_at THEN answered_at END
               AS answer,
           CASE WHEN answered_at IS NOT NULL AND (ended_at IS NULL OR answered_at <= ended_at)
                THEN answered_agent ELSE '' END AS agent
    FROM ended
), held AS (
    SELECT a.*,
           greatest(0.0::float8, coalesce(h.closed, 0.0::float8)
               + CASE WHEN h.open_since IS NOT NULL AND a.ended_at > h.open_since
                      THEN {_seconds('a.ended_at - h.open_since')} ELSE 0.0::float8 END)
               AS hold
    FROM answered a LEFT JOIN holds h ON h.call_id = a.call_id
), folded AS (
    SELECT f.call_id AS id, i.telephony_id, i.new,
           CASE WHEN c.queue <> '' THEN c.queue ELSE coalesce(f.queue, '') END AS queue,
           CASE WHEN c.dialled_number <> '' THEN c.dialled_number
                ELSE coalesce(f.dialled, '') END AS dialled_number,
           (coalesce(c.caller_raw, '') = '' AND NOT coalesce(c.caller_withheld, false)
            AND s.key IS NOT NULL) AS caller_now,
           s.caller_raw, s.caller_number AS new_number, s.caller_withheld AS new_withheld,
           coalesce(c.caller_raw, '') AS old_raw, coalesce(c.caller_number, '') AS old_number,
           coalesce(c.caller_withheld, false) AS old_withheld, c.customer_id AS old_customer,
           f.queued_at, f.answer, f.agent, coalesce(c.agent_id, '') AS old_agent,
           c.operator_id AS old_operator, f.ended_at, f.is_lost, f.end_reason,
           f.transferred, f.wrapup_at, f.hold
    FROM held f JOIN {IDS} i ON i.id = f.call_id
    LEFT JOIN LATERAL (SELECT * FROM {call} WHERE id = f.call_id AND NOT i.new OFFSET 0) c
        ON true
    LEFT JOIN {STAGE} s ON s.key = f.caller_key
), computed AS (
    SELECT id, telephony_id, new, queue, dialled_number,
           CASE WHEN caller_now THEN caller_raw ELSE old_raw END AS caller_raw,
           CASE WHEN caller_now THEN new_number ELSE old_number END AS caller_number,
           CASE WHEN caller_now THEN new_withheld ELSE old_withheld END AS caller_withheld,
           CASE WHEN caller_now AND new_number <> '' AND old_customer IS NULL
                THEN (SELECT min(p.customer_id) FROM {phones} p WHERE p.number = new_number
                      HAVING count(DISTINCT p.customer_id) = 1)
                ELSE old_customer END AS customer_id,
           queued_at, answer, agent,
           CASE WHEN agent <> old_agent THEN NULL ELSE old_operator END AS kept_operator,
           ended_at, is_lost, end_reason, transferred, wrapup_at, hold
    FROM folded
), final AS (
    SELECT f.id, f.telephony_id, f.new,
        f.queue, f.dialled_number, f.caller_raw, f.caller_number, f.caller_withheld,
        f.customer_id, f.queued_at,
        trunc(extract(epoch FROM f.queued_at))::bigint AS queued_epoch,
        f.answer AS answered_at, f.agent AS agent_id,
        CASE WHEN f.agent <> '' AND f.kept_operator IS NULL
             THEN (SELECT p.user_id FROM {profiles} p
                   WHERE p.agent_id = f.agent AND p.agent_id <> '')  -- as the partial index
             ELSE f.kept_operator END AS operator_id,
        f.ended_at, f.transferred,
        CASE
            WHEN f.ended_at IS NULL THEN ''
            WHEN f.is_lost THEN 'lost'
            WHEN f.answer IS NOT NULL THEN
                CASE WHEN f.transferred THEN 'transferred' ELSE 'answered' END
            ELSE CASE lower(CASE jsonb_typeof(f.end_reason) WHEN 'string'
                                 THEN f.end_reason #>> '{{}}' ELSE '' END)
                 WHEN 'timeout' THEN 'timeout' WHEN 'key' THEN 'exit_key'
                 WHEN 'exit_key' THEN 'exit_key' WHEN 'empty' THEN 'exit_empty'
                 WHEN 'exit_empty' THEN 'exit_empty' ELSE 'abandoned' END
        END AS outcome,
        CASE WHEN coalesce(f.answer, f.ended_at) IS NOT NULL
             THEN greatest(0.0::float8,
                           {_seconds('coalesce(f.answer, f.ended_at) - f.queued_at')})
             END AS wait_seconds,
        f.hold AS hold_seconds,
        CASE WHEN f.answer IS NOT NULL AND f.ended_at IS NOT NULL
             THEN greatest(0.0::float8, {_seconds('f.ended_at - f.answer')} - f.hold)
             END AS talk_seconds,
        f.wrapup_at AS wrapup_done_at,
        CASE WHEN f.wrapup_at IS NOT NULL AND f.ended_at IS NOT NULL
                  AND f.answer IS NOT NULL
             THEN greatest(0.0::float8, {_seconds('f.wrapup_at - f.ended_at')})
             ELSE 0.0::float8 END AS wrapup_seconds
    FROM computed f
), created AS (  -- new calls: inserted once, with their figures
    INSERT INTO {call} (id, telephony_id, {columns}, created_at, updated_at)
    SELECT id, telephony_id, {columns}, %(now)s, %(now)s FROM final WHERE new ORDER BY id
)
UPDATE {call} c SET {sets}, updated_at = %(now)s
FROM final f WHERE c.id = f.id AND NOT f.new
  AND c.id = ANY(ARRAY(SELECT id FROM final WHERE NOT new))  -- by the primary key
"""
    # The profiles' agent index is partial (agent_id <> ''): a look-up by an agent taken from
    # another row uses it only when it says so too, else it reads every profile for each call.
    follow = f"""
WITH latest AS (
    SELECT DISTINCT ON (c.agent_id) c.agent_id, c.id, c.answered_at, c.ended_at,
           c.wrapup_done_at, c.outcome
    FROM {call} c
    WHERE c.id = ANY(ARRAY(SELECT call_id FROM {CHANGED}))
      AND c.agent_id <> '' AND c.answered_at IS NOT NULL
    ORDER BY c.agent_id, c.answered_at DESC, c.id
)
INSERT INTO {states} AS st (agent_id, operator_id, status, since, paused, call_id)
SELECT l.agent_id, (SELECT p.user_id FROM {profiles} p
                    WHERE p.agent_id = l.agent_id AND p.agent_id <> ''),
       CASE WHEN l.ended_at IS NULL THEN 'on_call'
            WHEN l.wrapup_done_at IS NULL AND l.outcome <> 'lost' THEN 'wrapup'
            ELSE 'available' END,
       CASE WHEN l.ended_at IS NULL THEN l.answered_at
            WHEN l.wrapup_done_at IS NULL AND l.outcome <> 'lost' THEN l.ended_at
            ELSE coalesce(l.wrapup_done_at, l.ended_at) END,
       false, l.id
FROM latest l ORDER BY l.agent_id
ON CONFLICT (agent_id) DO UPDATE SET
    status = CASE WHEN excluded.status = 'available' AND st.paused THEN 'paused'
                  ELSE excluded.status END,
    since = excluded.since, call_id = excluded.call_id
WHERE st.call_id IS NULL OR st.call_id = excluded.call_id
   OR NOT coalesce((SELECT cur.answered_at FROM {call} cur WHERE cur.id = st.call_id)
                   > (SELECT nc.answered_at FROM {call} nc WHERE nc.id = excluded.call_id),
                   false)
"""
    return {
        "stage": (f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (seq integer, "
                  f"telephony_id varchar(80), key varchar(200), kind varchar(20), "
                  f"at timestamptz, agent_id varchar(40), data jsonb, caller_raw text, "
                  f"caller_number text, caller_withheld boolean)"),
        "ids": (f"CREATE TEMPORARY TABLE IF NOT EXISTS {IDS} (telephony_id varchar(80), "
                f"id bigint, new boolean)"),
        "changed": f"CREATE TEMPORARY TABLE IF NOT EXISTS {CHANGED} (call_id bigint)",
        "empty": f"TRUNCATE {STAGE}, {IDS}, {CHANGED}",
        # the calls that exist keep their id; a new call takes one from the sequence now
        # and is inserted by the fold (a concurrent writer creating it first makes that
        # insert fail: the batch then goes call by call, see calls.bulk)
        "call_ids": (f"INSERT INTO {IDS} SELECT t.telephony_id, "
                     f"coalesce(c.id, nextval(pg_get_serial_sequence('{call}', 'id'))), "
                     f"c.id IS NULL FROM (SELECT DISTINCT telephony_id FROM {STAGE}) t "
                     f"LEFT JOIN LATERAL (SELECT id FROM {call} "
                     f"WHERE telephony_id = t.telephony_id OFFSET 0) c ON true"),
        "lock": (f"SELECT count(*) FROM (SELECT c.id FROM {call} c "
                 f"WHERE c.id = ANY(ARRAY(SELECT id FROM {IDS} WHERE NOT new)) "
                 f"ORDER BY c.id FOR UPDATE OF c) locked"),
        "events": (f"WITH added AS (INSERT INTO {event} "
                   f"(call_id, key, kind, at, agent_id, source, data, received_at) "
                   f"SELECT i.id, s.key, s.kind, s.at, s.agent_id, %(source)s, s.data, %(now)s "
                   f"FROM {STAGE} s JOIN {IDS} i ON i.telephony_id = s.telephony_id "
                   f"ORDER BY s.seq ON CONFLICT (key) DO NOTHING RETURNING call_id), "
                   f"changed AS (INSERT INTO {CHANGED} SELECT DISTINCT call_id FROM added "
                   f"RETURNING call_id) "
                   f"SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM changed)"),
        "fold": fold,
        "follow": follow,
    }


_STATEMENTS: dict[str, str] = {}


def statements() -> dict[str, str]:
    if not _STATEMENTS:
        _STATEMENTS.update(_sql())
    return _STATEMENTS


def ingest(batch: Staged, *, source: str, now) -> tuple[int, int]:
    """Store the staged event rows and fold every call that received a new one; return
    (events added, calls changed)."""
    sql = statements()
    params = {"now": now, "source": source}
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # small statements run thousands of times: JIT compiling them costs more than it
        # saves; the batch's sorts fit in memory
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        for name in ("stage", "ids", "changed", "empty"):
            cursor.execute(sql[name])
        with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            if b"\x00" in batch.payload:  # psycopg refuses it with its own error, as before
                for row in batch.rows:
                    copy.write_row(row)
            else:
                copy.write(batch.payload)
        cursor.execute(sql["call_ids"])
        cursor.execute(sql["lock"])
        cursor.execute(sql["events"], params)
        added, changed = cursor.fetchone()
        if changed:
            cursor.execute(sql["fold"], params)
            cursor.execute(sql["follow"])
        cursor.execute(sql["empty"])
    return added, changed
