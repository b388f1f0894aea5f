"""Benchmark: the service-level report over a month of calls against the floor, one
hand-written SQL query computing every figure of the report (PostgreSQL).

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/sla_report.py [--calls 100000]

The calls are generated straight into the table (COPY) with a realistic shape: repeat callers
for first-contact resolution, 4 % withheld numbers, waits, talk, abandons. The report and the
floor run alternately, three times each; the best of each is compared. Then the figures of
both are checked equal.
"""

import argparse
import datetime
import random

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
  avg(wait_seconds) FILTER (WHERE ans) AS asa, avg(wait_seconds) AS average_wait,
  max(wait_seconds) AS longest_wait,
  avg(talk_seconds + hold_seconds + wrapup_seconds) FILTER (WHERE ans
      AND talk_seconds IS NOT NULL) AS aht,
  avg(talk_seconds) FILTER (WHERE ans) AS average_talk,
  percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_seconds) AS p90_wait
FROM c GROUP BY 1 ORDER BY 1
"""


def generate(calls: int, start: datetime.datetime, days: int, seed: int = 1) -> None:
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
                copy.write_row([f"bench-{n}", "hotline", number, number or "anonymous",
                                not number, "+33800100200", queued, int(queued.timestamp()),
                                answered, agent, ended, done, wait, talk, 0, wrapup,
                                rng.random() < 0.03, outcome, now, now])
                bar.update()
        cursor.execute(f"ANALYZE {Call._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from calls.metrics import sla_report
    from calls.models import Call, CallEvent

    if connection.vendor != "postgresql":
        raise SystemExit("bench/sla_report.py runs on PostgreSQL: set DATABASE_URL")
    empty(CallEvent, Call)
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    generate(args.calls, start, args.days + 7)
    end = start + datetime.timedelta(days=args.days)
    print(f"machine: {machine()}")
    in_period = Call.objects.filter(queued_at__gte=start, queued_at__lt=end).count()
    project, hand = [], []
    for _ in range(3):
        with Timer() as took:
            report = sla_report(start=start, end=end, interval="30m")
        project.append(took.wall)
        with Timer() as took, connection.cursor() as cursor:
            cursor.execute(FLOOR, {"start": start, "end": end})
            rows = cursor.fetchall()
        hand.append(took.wall)
    same = [r["offered"] for r in report["rows"]] == [row[1] for row in rows] and [
        r["resolved_first_contact"] for r in report["rows"]] == [row[10] for row in rows]
    print(f"sla_report, {args.days} days, 30-minute rows: {in_period:,} calls in the period "
          f"({args.calls:,} in the table)")
    print(f"  report (project): {min(project):.2f} s   floor (one hand-written query): "
          f"{min(hand):.2f} s   ratio {min(project) / min(hand):.2f}x   same figures: {same}")


if __name__ == "__main__":
    main()
