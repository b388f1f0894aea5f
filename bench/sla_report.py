"""Benchmark: the service-level report over a month of calls against the floor, one
hand-written SQL query computing every figure of the report (PostgreSQL).

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/sla_report.py [--calls 100000]

The calls are generated straight into the table (COPY) with a realistic shape: repeat callers
for first-contact resolution, 4 % withheld numbers, waits, talk, abandons. The report reads
the roll-up (calls.rollup), built once after the load (timed apart). The report and the
floor run alternately, three times each; the median and the best of each are compared. Then
the figures of both are checked equal, and a batch of new calls on the period's last day (an
import batch) shows what keeping the roll-up up to date costs: its refresh, then the report.
"""

import argparse
import datetime
import random
import statistics

from common import Timer, empty, machine, progress, setup

FLOOR = """
WITH c AS (
  SELECT c.*, (c.answered_at IS NOT NULL AND c.outcome <> 'lost') AS ans,
    CASE
      WHEN c.caller_number = '' AND c.handset_id IS NULL THEN false
      WHEN c.caller_number = '' THEN EXISTS (SELECT 1 FROM calls_call l WHERE
        l.handset_id = c.handset_id AND l.queued_epoch > c.queued_epoch
        AND l.queued_epoch <= c.queued_epoch + 604800 AND l.id <> c.id)
      WHEN c.handset_id IS NULL THEN EXISTS (SELECT 1 FROM calls_call l WHERE
        l.caller_number = c.caller_number AND l.queued_epoch > c.queued_epoch
        AND l.queued_epoch <= c.queued_epoch + 604800 AND l.id <> c.id)
      ELSE EXISTS (SELECT 1 FROM calls_call l WHERE (l.caller_number = c.caller_number
        OR l.handset_id = c.handset_id) AND l.queued_epoch > c.queued_epoch
        AND l.queued_epoch <= c.queued_epoch + 604800 AND l.id <> c.id)
    END AS rep
  FROM calls_call c WHERE c.queued_at >= %(start)s AND c.queued_at < %(end)s
)
SELECT queued_epoch / 1800 * 1800 AS k, count(*) AS offered,
  count(*) FILTER (WHERE ans) AS answered,
  count(*) FILTER (WHERE ans AND wait_seconds <= 20) AS answered_within,
  count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
  count(*) FILTER (WHERE outcome = 'abandoned' AND wait_seconds <= 5) AS short_abandoned,
  count(*) FILTER (WHERE outcome IN ('timeout', 'exit_key', 'exit_empty')) AS left_queue,
  count(*) FILTER (WHERE outcome = 'lost') AS lost,
  count(*) FILTER (WHERE answered_at IS NULL AND ended_at IS NULL) AS waiting,
  count(*) FILTER (WHERE ans AND transferred) AS transferred,
  count(*) FILTER (WHERE ans AND NOT rep) AS resolved_first_contact,
  avg(wait_seconds::numeric) FILTER (WHERE ans) AS asa,
  avg(wait_seconds::numeric) AS average_wait, max(wait_seconds) AS longest_wait,
  avg((talk_seconds + hold_seconds + wrapup_seconds)::numeric) FILTER (WHERE ans
      AND talk_seconds IS NOT NULL) AS aht,
  avg(talk_seconds::numeric) FILTER (WHERE ans) AS average_talk,
  percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_seconds) AS p90_wait
FROM c GROUP BY 1 ORDER BY 1
"""


def generate(calls: int, start: datetime.datetime, days: int, seed: int = 1,
             prefix: str = "bench") -> None:
    """COPY `calls` calls spread over `days` days with a weekday and time-of-day shape."""
    from django.db import connection

    from calls.models import Call

    rng = random.Random(seed)
    hourly = [0, 0, 0, 0, 0, 0, 0, 0, 5, 10, 12, 11, 8, 8, 10, 10, 9, 8, 6, 3, 0, 0, 0, 0]
    hours = [(d, h) for d in range(days) for h in range(24) for _ in range(hourly[h])
             if (start + datetime.timedelta(days=d)).weekday() != 6]
    columns = ["telephony_id", "queue", "caller_number", "caller_raw", "caller_withheld",
               "dialled_number", "queued_at", "queued_epoch", "answered_at", "agent_id",
               "ended_at", "wrapup_done_at", "wait_seconds", "talk_seconds", "hold_seconds",
               "wrapup_seconds", "transferred", "outcome", "created_at", "updated_at"]
    now = datetime.datetime.now(datetime.UTC)
    second = datetime.timedelta(seconds=1)
    with connection.cursor() as cursor, progress(calls, "generating calls", "calls") as bar:
        with cursor.cursor.copy(f"COPY {Call._meta.db_table} ({', '.join(columns)}) "
                                f"FROM STDIN") as copy:
            for n in range(calls):
                day, hour = rng.choice(hours)
                queued = start + datetime.timedelta(days=day, hours=hour,
                                                    seconds=rng.random() * 3600)
                roll = rng.random()
                number = ("" if roll < 0.04 else f"+3361{rng.randrange(20000):05d}000"
                          if roll < 0.3 else f"+336{rng.randrange(10**8):08d}")
                wait = round(rng.expovariate(1 / 12), 1)
                if rng.random() < 0.07:  # abandoned
                    answered, agent, talk, outcome = None, "", None, "abandoned"
                    ended, done, wrapup = queued + second * wait, None, 0
                else:
                    answered = queued + second * wait
                    agent, outcome = f"Agent/{1001 + rng.randrange(150)}", "answered"
                    talk = round(rng.lognormvariate(5.0, 0.6), 1)
                    ended = answered + second * talk
                    done, wrapup = ended + second * 30, 30
                copy.write_row([f"{prefix}-{n}", "hotline", number, number or "anonymous",
                                not number, "+33800100200", queued, int(queued.timestamp()),
                                answered, agent, ended, done, wait, talk, 0, wrapup,
                                rng.random() < 0.03, outcome, now, now])
                bar.update()
        cursor.execute(f"ANALYZE {Call._meta.db_table}")


FIELDS = ["offered", "answered", "answered_within", "abandoned", "short_abandoned",
          "left_queue", "lost", "waiting", "transferred", "resolved_first_contact", "asa",
          "average_wait", "longest_wait", "aht", "average_talk", "p90_wait"]


def _same(report: dict, rows: list) -> bool:
    """Whether every figure of every row equals the floor's (durations to 0.1 s, as shown)."""
    ours = [[r[name] for name in FIELDS] for r in report["rows"]]
    floor = [[None if v is None else round(float(v), 1) if i >= 10 else v
              for i, v in enumerate(row[1:])] for row in rows]
    return ours == floor


def _measure(start, end, runs: int = 3):
    from django.db import connection

    from calls.metrics import sla_report

    project, hand = [], []
    for _ in range(runs):
        with Timer() as took:
            report = sla_report(start=start, end=end, interval="30m", threshold=20,
                                short_abandon=5)
        project.append(took.wall)
        with Timer() as took, connection.cursor() as cursor:
            cursor.execute(FLOOR, {"start": start, "end": end})
            rows = cursor.fetchall()
        hand.append(took.wall)
    return project, hand, _same(report, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--batch", type=int, default=2_000,
                        help="new calls of the last day, added after the measurement")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from calls.models import Call, CallEvent
    from calls.rollup import rollup_refresh

    if connection.vendor != "postgresql":
        raise SystemExit("bench/sla_report.py runs on PostgreSQL: set DATABASE_URL")
    empty(CallEvent, Call)
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    generate(args.calls, start, args.days + 7)
    end = start + datetime.timedelta(days=args.days)
    print(f"machine: {machine()}")
    with Timer() as built:
        buckets = rollup_refresh()
    in_period = Call.objects.filter(queued_at__gte=start, queued_at__lt=end).count()
    project, hand, same = _measure(start, end)
    print(f"sla_report, {args.days} days, 30-minute rows: {in_period:,} calls in the period "
          f"({args.calls:,} in the table)")
    print(f"  roll-up built from scratch: {buckets:,} buckets in {built.wall:.1f} s")
    print(f"  report (project): median {statistics.median(project):.2f} s, best "
          f"{min(project):.2f} s   floor (one hand-written query): median "
          f"{statistics.median(hand):.2f} s, best {min(hand):.2f} s   ratio (medians) "
          f"{statistics.median(project) / statistics.median(hand):.2f}x   "
          f"same figures: {same}")
    if args.batch:
        generate(args.batch, end - datetime.timedelta(days=1), 1, seed=2, prefix="late")
        with Timer() as refreshed:
            buckets = rollup_refresh()
        project, hand, same = _measure(start, end, runs=1)
        print(f"  then {args.batch:,} new calls on the last day: roll-up refresh "
              f"{refreshed.wall:.2f} s ({buckets:,} buckets), report {project[0]:.2f} s, "
              f"floor {hand[0]:.2f} s, same figures: {same}")


if __name__ == "__main__":
    main()
