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

import bisect
import datetime
import math

from django.db import connection, transaction
from django.db.models import Max, Min, Sum

from calls.models import SlaRollup

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
WITH bands AS (
  SELECT t.bucket, c.queue, floor(c.wait_seconds)::bigint AS band, count(*) AS n,
    count(*) FILTER (WHERE {_ANSWERED}) AS n_answered,
    count(*) FILTER (WHERE c.outcome = 'abandoned') AS n_abandoned
  FROM calls_rollup_touched t JOIN calls_call c
    ON c.queued_epoch >= t.bucket AND c.queued_epoch < t.bucket + {BUCKET}
  WHERE c.wait_seconds IS NOT NULL
  GROUP BY 1, 2, 3
), histograms AS (
  SELECT bucket, queue, array_agg(band ORDER BY band) AS band_index,
    array_agg(n ORDER BY band) AS band_calls,
    array_agg(n_answered ORDER BY band) AS band_answered,
    array_agg(n_abandoned ORDER BY band) AS band_abandoned
  FROM bands GROUP BY 1, 2
), figures AS (
  SELECT t.bucket, c.queue, count(*) AS offered,
    count(*) FILTER (WHERE {_ANSWERED}) AS answered,
    count(*) FILTER (WHERE c.outcome = 'abandoned') AS abandoned,
    count(*) FILTER (WHERE c.outcome IN ('timeout', 'exit_key', 'exit_empty')) AS left_queue,
    count(*) FILTER (WHERE c.outcome = 'lost') AS lost,
    count(*) FILTER (WHERE c.answered_at IS NULL AND c.ended_at IS NULL) AS waiting,
    count(*) FILTER (WHERE {_ANSWERED} AND c.transferred) AS transferred,
    count(*) FILTER (WHERE {_ANSWERED} AND NOT ({_REPEAT})) AS resolved_first_contact,
    count(c.wait_seconds) AS wait_count, sum(c.wait_seconds::numeric) AS wait_sum,
    max(c.wait_seconds) AS wait_max,
    count(c.wait_seconds) FILTER (WHERE {_ANSWERED}) AS answered_wait_count,
    sum(c.wait_seconds::numeric) FILTER (WHERE {_ANSWERED}) AS answered_wait_sum,
    count(c.talk_seconds) FILTER (WHERE {_ANSWERED}) AS talk_count,
    sum(c.talk_seconds::numeric) FILTER (WHERE {_ANSWERED}) AS talk_sum,
    count(*) FILTER (WHERE {_ANSWERED} AND c.talk_seconds IS NOT NULL) AS handle_count,
    sum((c.talk_seconds + c.hold_seconds + c.wrapup_seconds)::numeric)
      FILTER (WHERE {_ANSWERED} AND c.talk_seconds IS NOT NULL) AS handle_sum
  FROM calls_rollup_touched t JOIN calls_call c
    ON c.queued_epoch >= t.bucket AND c.queued_epoch < t.bucket + {BUCKET}
  GROUP BY 1, 2
)
INSERT INTO calls_slarollup (bucket_epoch, bucket_at, queue, offered, answered, abandoned,
  left_queue, lost, waiting, transferred, resolved_first_contact, wait_count, wait_sum,
  wait_max, answered_wait_count, answered_wait_sum, talk_count, talk_sum, handle_count,
  handle_sum, band_index, band_calls, band_answered, band_abandoned)
SELECT f.bucket, to_timestamp(f.bucket), f.queue, f.offered, f.answered, f.abandoned,
  f.left_queue, f.lost, f.waiting, f.transferred, f.resolved_first_contact, f.wait_count,
  f.wait_sum, f.wait_max, f.answered_wait_count, f.answered_wait_sum, f.talk_count,
  f.talk_sum, f.handle_count, f.handle_sum, coalesce(h.band_index, '{{}}'),
  coalesce(h.band_calls, '{{}}'), coalesce(h.band_answered, '{{}}'),
  coalesce(h.band_abandoned, '{{}}')
FROM figures f LEFT JOIN histograms h ON h.bucket = f.bucket AND h.queue = f.queue;
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


TOTAL = object()  # the key of the whole period's row, next to the groups'

_SUMS = ("offered", "answered", "abandoned", "left_queue", "lost", "waiting", "transferred",
         "resolved_first_contact", "wait_count", "wait_sum", "answered_wait_count",
         "answered_wait_sum", "talk_count", "talk_sum", "handle_count", "handle_sum")


def rollup_rows(*, start_epoch: int, end_epoch: int, queue: str | None, key, threshold: float,
                short_abandon: float) -> dict:
    """Return {group key: the raw figures of calls.metrics (counts, sums, p90)} for the
    buckets of [start_epoch, end_epoch), grouped by `key` (an expression over the roll-up's
    bucket_epoch, bucket_at or queue), in the key's order, then the whole period's figures
    under the key TOTAL (added up from the groups: every grouping splits the calls)."""
    rollup = SlaRollup.objects.filter(bucket_epoch__gte=start_epoch, bucket_epoch__lt=end_epoch)
    if queue:
        rollup = rollup.filter(queue=queue)
    rows = {item.pop("_key"): item for item in rollup.annotate(_key=key).values("_key").annotate(
        **{name: Sum(name) for name in _SUMS}, wait_max=Max("wait_max"),
        lo=Min("bucket_epoch"), hi=Max("bucket_epoch")).order_by("_key") if item["offered"]}
    if not rows:
        return rows
    t_band, s_band = math.floor(threshold), math.floor(short_abandon)
    histograms = _histograms(rollup.annotate(_key=key), t_band, s_band)
    histograms[TOTAL] = _merged(histograms.values())
    wanted = {k: _p90_band(per_band) for k, (per_band, _counts) in histograms.items()}
    rows[TOTAL] = _total(rows.values())
    targets = {k: (row["lo"], row["hi"] + BUCKET, k if _is_queue(key) and k is not TOTAL
                   else queue) for k, row in rows.items()}
    p90 = _p90_lookup(targets, wanted)
    within, short = _threshold_lookup({k: v for k, v in targets.items() if k is not TOTAL},
                                      t_band, threshold, s_band, short_abandon)
    within[TOTAL], short[TOTAL] = sum(within.values()), sum(short.values())
    for k, row in rows.items():
        counts = histograms[k][1] if k in histograms else (0, 0)
        row["p90_wait"] = p90.get(k)
        row["answered_within"] = counts[0] + within.get(k, 0)
        row["short_abandoned"] = counts[1] + short.get(k, 0)
    return rows


def _is_queue(key) -> bool:
    return getattr(key, "name", None) == "queue"


def _total(rows) -> dict:
    rows = list(rows)
    total = {}
    for name in _SUMS:
        values = [row[name] for row in rows if row[name] is not None]
        total[name] = sum(values) if values else None
    for name, pick in (("wait_max", max), ("lo", min), ("hi", max)):
        values = [row[name] for row in rows if row[name] is not None]
        total[name] = pick(values) if values else None
    return total


def _histograms(rollup, t_band: int, s_band: int) -> dict:
    """Return {group key: ({band: calls}, [answered calls in the bands under the threshold's,
    abandoned calls in the bands under the short-abandon threshold's])}."""
    histograms: dict = {}
    for k, index, calls, answered, abandoned in rollup.values_list(
            "_key", "band_index", "band_calls", "band_answered", "band_abandoned").order_by():
        per_band, counts = histograms.setdefault(k, ({}, [0, 0]))
        for band, n in zip(index, calls, strict=True):
            per_band[band] = per_band.get(band, 0) + n
        # The bands are in order: the ones under a threshold's band are a prefix.
        counts[0] += sum(answered[:bisect.bisect_left(index, t_band)])
        counts[1] += sum(abandoned[:bisect.bisect_left(index, s_band)])
    return histograms


def _merged(histograms) -> tuple[dict, list]:
    per_band: dict = {}
    counts = [0, 0]
    for bands, (within, short) in histograms:
        for band, n in bands.items():
            per_band[band] = per_band.get(band, 0) + n
        counts[0] += within
        counts[1] += short
    return per_band, counts


def _p90_band(per_band: dict) -> tuple:
    """Return the band holding the 90th-percentile rank and the rank within that band, as
    PostgreSQL's percentile_disc(0.9) picks it: the value at rank ceil(0.9 * n), in float8."""
    rank, before = math.ceil(0.9 * sum(per_band.values())), 0
    for band in sorted(per_band):
        if rank and before + per_band[band] >= rank:
            return band, rank - before
        before += per_band[band]
    return None, None


_TARGETS = ("unnest(%s::int[], %s::bigint[], %s::bigint[], %s::text[]{extra}) "
            "AS t (g, lo, hi, queue{names})")
_IN_GROUP = ("c.queued_epoch >= t.lo AND c.queued_epoch < t.hi "
             "AND (t.queue IS NULL OR c.queue = t.queue)")


def _p90_lookup(targets: dict, wanted: dict) -> dict:
    """Return {group key: its 90th-percentile wait}, each read from the calls of its band
    (an index on the band and the queue epoch) at its rank within the band."""
    keys = [k for k in targets if wanted.get(k, (None,))[0] is not None]
    if not keys:
        return {}
    columns = _target_columns(keys, targets) + [[wanted[k][0] for k in keys],
                                                 [wanted[k][1] for k in keys]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.g, (SELECT c.wait_seconds FROM calls_call c "
            f"WHERE floor(c.wait_seconds)::bigint = t.band AND {_IN_GROUP} "
            "ORDER BY c.wait_seconds OFFSET t.position - 1 LIMIT 1) FROM "
            + _TARGETS.format(extra=", %s::bigint[], %s::bigint[]", names=", band, position"),
            columns)
        return {keys[g]: wait for g, wait in cursor.fetchall()}


def _threshold_lookup(targets: dict, t_band: int, threshold: float, s_band: int,
                      short_abandon: float) -> tuple[dict, dict]:
    """Return the answered calls within the threshold and the abandoned calls within the
    short-abandon threshold of each group, among the calls of the thresholds' own bands."""
    keys = list(targets)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.g, "
            f"count(*) FILTER (WHERE floor(c.wait_seconds)::bigint = %s AND {_ANSWERED} "
            "  AND c.wait_seconds <= %s), "
            "count(*) FILTER (WHERE floor(c.wait_seconds)::bigint = %s "
            "  AND c.outcome = 'abandoned' AND c.wait_seconds <= %s) "
            "FROM " + _TARGETS.format(extra="", names="") + " JOIN calls_call c "
            f"ON floor(c.wait_seconds)::bigint = ANY(%s::bigint[]) AND {_IN_GROUP} "
            "GROUP BY t.g",
            [t_band, threshold, s_band, short_abandon, *_target_columns(keys, targets),
             [t_band, s_band]])
        found = cursor.fetchall()
    return ({keys[g]: n for g, n, _s in found}, {keys[g]: n for g, _n, n in found})


def _target_columns(keys: list, targets: dict) -> list[list]:
    return [list(range(len(keys))), [targets[k][0] for k in keys],
            [targets[k][1] for k in keys], [targets[k][2] for k in keys]]
