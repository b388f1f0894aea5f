"""The service-level report's roll-up (PostgreSQL): per 15-minute bucket and queue, the
counts and sums every figure of the report needs, and the calls per one-second band of wait.

Kept in step with the calls table in two halves:

1. Triggers on the calls table (migration calls.0004) log every call inserted, deleted or
   changed in a figure the report reads, before and after, whatever path wrote it.
2. `rollup_refresh()` turns the log into buckets to compute again: each logged call's
   bucket, and the buckets of the calls of the 7 days before it from the same number or
   about the same handset (their first-contact resolution may have changed). It computes
   those buckets again from the calls, with the same definitions as calls.metrics, in one
   transaction. The ingestion paths call it after each batch; the report calls it before
   reading, so that nothing logged is ever left out.

The report reads the roll-up for periods whose ends fall on 15-minute boundaries, grouped
per interval (15 minutes or longer) or per queue, with or without a queue filter (see
calls.metrics); per operator or for one agent it reads the calls. The 90th-percentile
wait and the counts within the thresholds are exact: the bands say which one-second band
holds the wanted rank or threshold, and one indexed look-up reads the waits of that band.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Max, Min, Sum

from calls.models import SlaRollup, SlaWaitBand

BUCKET = 900
FCR_WINDOW = 7 * 24 * 3600
LOCK = 0x43414C4C  # advisory lock key: one refresh at a time ("CALL")

_ANSWERED = "(c.answered_at IS NOT NULL AND c.outcome <> 'lost')"
_REPEAT = f"""CASE
  WHEN c.caller_number = '' AND c.handset_id IS NULL THEN false
  WHEN c.caller_number = '' THEN EXISTS (SELECT 1 FROM calls_call l
    WHERE l.handset_id = c.handset_id AND l.queued_epoch > c.queued_epoch
      AND l.queued_epoch <= c.queued_epoch + {FCR_WINDOW} AND l.id <> c.id)
  WHEN c.handset_id IS NULL THEN EXISTS (SELECT 1 FROM calls_call l
    WHERE l.caller_number = c.caller_number AND l.queued_epoch > c.queued_epoch
      AND l.queued_epoch <= c.queued_epoch + {FCR_WINDOW} AND l.id <> c.id)
  ELSE EXISTS (SELECT 1 FROM calls_call l
    WHERE l.caller_number = c.caller_number AND l.queued_epoch > c.queued_epoch
      AND l.queued_epoch <= c.queued_epoch + {FCR_WINDOW} AND l.id <> c.id)
    OR EXISTS (SELECT 1 FROM calls_call l
    WHERE l.handset_id = c.handset_id AND l.queued_epoch > c.queued_epoch
      AND l.queued_epoch <= c.queued_epoch + {FCR_WINDOW} AND l.id <> c.id)
END"""

_TOUCHED = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS calls_rollup_touched (bucket bigint PRIMARY KEY)
  ON COMMIT DELETE ROWS;
WITH logged AS (DELETE FROM calls_slarollupdirty RETURNING epoch, caller_number, handset_id)
INSERT INTO calls_rollup_touched (bucket)
SELECT epoch / {BUCKET} * {BUCKET} FROM logged
UNION
SELECT c.queued_epoch / {BUCKET} * {BUCKET} FROM logged d JOIN calls_call c
  ON c.caller_number = d.caller_number AND d.caller_number <> ''
  AND c.queued_epoch >= d.epoch - {FCR_WINDOW} AND c.queued_epoch < d.epoch
UNION
SELECT c.queued_epoch / {BUCKET} * {BUCKET} FROM logged d JOIN calls_call c
  ON c.handset_id = d.handset_id
  AND c.queued_epoch >= d.epoch - {FCR_WINDOW} AND c.queued_epoch < d.epoch;
"""

_RECOMPUTE = f"""
DELETE FROM calls_slarollup r USING calls_rollup_touched t WHERE r.bucket_epoch = t.bucket;
DELETE FROM calls_slawaitband r USING calls_rollup_touched t WHERE r.bucket_epoch = t.bucket;
INSERT INTO calls_slarollup (bucket_epoch, bucket_at, queue, offered, answered, abandoned,
  left_queue, lost, waiting, transferred, resolved_first_contact, wait_count, wait_sum,
  wait_max, answered_wait_count, answered_wait_sum, talk_count, talk_sum, handle_count,
  handle_sum)
SELECT t.bucket, to_timestamp(t.bucket), c.queue, count(*),
  count(*) FILTER (WHERE {_ANSWERED}),
  count(*) FILTER (WHERE c.outcome = 'abandoned'),
  count(*) FILTER (WHERE c.outcome IN ('timeout', 'exit_key', 'exit_empty')),
  count(*) FILTER (WHERE c.outcome = 'lost'),
  count(*) FILTER (WHERE c.answered_at IS NULL AND c.ended_at IS NULL),
  count(*) FILTER (WHERE {_ANSWERED} AND c.transferred),
  count(*) FILTER (WHERE {_ANSWERED} AND NOT ({_REPEAT})),
  count(c.wait_seconds), sum(c.wait_seconds), max(c.wait_seconds),
  count(c.wait_seconds) FILTER (WHERE {_ANSWERED}),
  sum(c.wait_seconds) FILTER (WHERE {_ANSWERED}),
  count(c.talk_seconds) FILTER (WHERE {_ANSWERED}),
  sum(c.talk_seconds) FILTER (WHERE {_ANSWERED}),
  count(*) FILTER (WHERE {_ANSWERED} AND c.talk_seconds IS NOT NULL),
  sum(c.talk_seconds + c.hold_seconds + c.wrapup_seconds)
    FILTER (WHERE {_ANSWERED} AND c.talk_seconds IS NOT NULL)
FROM calls_rollup_touched t JOIN calls_call c
  ON c.queued_epoch >= t.bucket AND c.queued_epoch < t.bucket + {BUCKET}
GROUP BY t.bucket, c.queue;
INSERT INTO calls_slawaitband (bucket_epoch, bucket_at, queue, band, answered, abandoned,
  calls)
SELECT t.bucket, to_timestamp(t.bucket), c.queue, floor(c.wait_seconds)::bigint, {_ANSWERED},
  c.outcome = 'abandoned', count(*)
FROM calls_rollup_touched t JOIN calls_call c
  ON c.queued_epoch >= t.bucket AND c.queued_epoch < t.bucket + {BUCKET}
WHERE c.wait_seconds IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
"""


def rollup_enabled() -> bool:
    """Return whether the database keeps the roll-up (PostgreSQL: triggers and bands)."""
    return connection.vendor == "postgresql"


def rollup_refresh() -> int:
    """Compute again the buckets that the calls logged since the last refresh touched, and
    return how many. Safe to call at any time from any process (one runs at a time); the
    ingestion paths call it once per batch, after writing the batch's calls."""
    if not rollup_enabled():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute("SELECT EXISTS (SELECT 1 FROM calls_slarollupdirty)")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(_TOUCHED)
        cursor.execute("SELECT count(*) FROM calls_rollup_touched")
        touched = cursor.fetchone()[0]
        cursor.execute(_RECOMPUTE)
        cursor.execute("DELETE FROM calls_rollup_touched")
    return touched


def rollup_serves(*, start: datetime.datetime, end: datetime.datetime, interval: str,
                  group: str, agent: str | None, fixed: dict) -> bool:
    """Return whether the roll-up can answer this report exactly: whole buckets, an interval
    made of whole buckets, and no per-agent figure (the roll-up has no agent)."""
    if not rollup_enabled() or agent or group == "operator":
        return False
    if any(moment.timestamp() % BUCKET for moment in (start, end)):
        return False
    if interval in fixed:
        return fixed[interval] % BUCKET == 0
    # Days, weeks and months start at a local midnight: on a bucket boundary whenever the
    # zone's offset is a whole number of quarter-hours (every zone in use today).
    return True


def rollup_rows(*, start_epoch: int, end_epoch: int, queue: str | None, key, threshold: float,
                short_abandon: float) -> dict:
    """Return {group key: the raw figures of calls.metrics (counts, sums, p90)} for the
    buckets of [start_epoch, end_epoch), grouped by `key` (an expression over the roll-up's
    bucket_epoch, bucket_at or queue), in the key's order."""
    rollup = SlaRollup.objects.filter(bucket_epoch__gte=start_epoch, bucket_epoch__lt=end_epoch)
    bands = SlaWaitBand.objects.filter(bucket_epoch__gte=start_epoch, bucket_epoch__lt=end_epoch)
    if queue:
        rollup, bands = rollup.filter(queue=queue), bands.filter(queue=queue)
    sums = {name: Sum(name) for name in (
        "offered", "answered", "abandoned", "left_queue", "lost", "waiting", "transferred",
        "resolved_first_contact", "wait_count", "wait_sum", "answered_wait_count",
        "answered_wait_sum", "talk_count", "talk_sum", "handle_count", "handle_sum")}
    rows = {item.pop("_key"): item for item in rollup.annotate(_key=key).values("_key").annotate(
        **sums, wait_max=Max("wait_max"), lo=Min("bucket_epoch"), hi=Max("bucket_epoch"))
        .order_by("_key") if item["offered"]}
    histogram: dict = defaultdict(list)
    for k, band, answered, abandoned, calls in (
            bands.annotate(_key=key).values_list("_key", "band", "answered", "abandoned")
            .annotate(n=Sum("calls")).order_by()):
        histogram[k].append((band, answered, abandoned, calls))
    wanted = {}
    for k, row in rows.items():
        wanted[k] = _bands_wanted(row, sorted(histogram.get(k, [])), threshold, short_abandon)
    exact = _band_waits(rows, wanted, queue, key_is_queue=_is_queue(key))
    for k, row in rows.items():
        _exact_fill(row, wanted[k], exact.get(k, []), threshold, short_abandon)
    return rows


def _is_queue(key) -> bool:
    return getattr(key, "name", None) == "queue"


def _bands_wanted(row: dict, bands: list, threshold: float, short_abandon: float) -> dict:
    """Count what the bands decide alone and say which bands must be read call by call:
    the band holding the 90th-percentile rank, and the bands holding each threshold."""
    # PostgreSQL's percentile_disc(0.9): the row at rank ceil(0.9 * n), in float8.
    n = sum(calls for _b, _a, _ab, calls in bands)
    rank = max(1, math.ceil(0.9 * n)) if n else None
    p90_band, before = None, 0
    per_band: dict = defaultdict(int)
    for band, _a, _ab, calls in bands:
        per_band[band] += calls
    for band in sorted(per_band):
        if rank is not None and before + per_band[band] >= rank:
            p90_band = band
            break
        before += per_band[band]
    t_band, s_band = math.floor(threshold), math.floor(short_abandon)
    within = sum(calls for band, answered, _ab, calls in bands if answered and band < t_band)
    short = sum(calls for band, _a, abandoned, calls in bands if abandoned and band < s_band)
    return {"p90_band": p90_band, "p90_offset": rank - before if rank else None,
            "t_band": t_band, "s_band": s_band, "within": within, "short": short}


def _band_waits(rows: dict, wanted: dict, queue: str | None, *, key_is_queue: bool) -> dict:
    """Read, in one indexed query, the waits of the wanted bands of every group."""
    keys = list(rows)
    columns: list[list] = [[], [], [], [], []]  # group, lo, hi, band, queue
    for g, k in enumerate(keys):
        bands = {wanted[k]["t_band"], wanted[k]["s_band"], wanted[k]["p90_band"]} - {None}
        for band in bands:
            for column, value in zip(columns, (g, rows[k]["lo"], rows[k]["hi"] + BUCKET, band,
                                               k if key_is_queue else queue), strict=True):
                column.append(value)
    found: dict = defaultdict(list)
    if not keys:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.g, floor(c.wait_seconds)::bigint, c.wait_seconds, "
            f"{_ANSWERED}, c.outcome = 'abandoned' "
            "FROM unnest(%s::int[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[]) "
            "AS t (g, lo, hi, band, queue) JOIN calls_call c "
            "ON floor(c.wait_seconds)::bigint = t.band AND c.queued_epoch >= t.lo "
            "AND c.queued_epoch < t.hi AND (t.queue IS NULL OR c.queue = t.queue)", columns)
        for g, band, wait, answered, abandoned in cursor.fetchall():
            found[keys[g]].append((band, wait, answered, abandoned))
    return found


def _exact_fill(row: dict, wanted: dict, waits: list, threshold: float,
                short_abandon: float) -> None:
    """Finish one group's threshold counts and 90th percentile from its bands' waits."""
    row["answered_within"] = wanted["within"] + sum(
        1 for band, wait, answered, _ab in waits
        if answered and band == wanted["t_band"] and wait <= threshold)
    row["short_abandoned"] = wanted["short"] + sum(
        1 for band, wait, _a, abandoned in waits
        if abandoned and band == wanted["s_band"] and wait <= short_abandon)
    row["p90_wait"] = None
    if wanted["p90_band"] is not None:
        in_band = sorted(wait for band, wait, _a, _ab in waits if band == wanted["p90_band"])
        row["p90_wait"] = in_band[wanted["p90_offset"] - 1]
