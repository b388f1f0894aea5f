"""Benchmark: simulate N days of traffic, then time the SLA report over them.

    .venv/bin/python bench/sla_report.py [--days 30] [--calls-per-day 2000]

Uses the database of DATABASE_URL (SQLite under var/ by default: run it on a scratch database,
e.g. DATABASE_URL=sqlite:////tmp/bench.sqlite3 after `manage.py migrate`). Prints the ingestion
rate and the report's timings per interval and grouping.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--calls-per-day", type=float, default=2000)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from calls.metrics import sla_report
    from calls.models import Call
    from calls.simulate import Profile, simulate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = simulate(days=args.days, seed=args.seed,
                      profile=Profile(calls_per_day=args.calls_per_day))
    elapsed = time.perf_counter() - started
    print(f"simulated {report.calls} calls ({report.events} events) in {elapsed:.1f} s: "
          f"{report.calls / elapsed:.0f} calls/s; {Call.objects.count()} calls in the database")
    end = timezone.now()
    start = end - datetime.timedelta(days=args.days)
    for interval, group in [("30m", "interval"), ("15m", "interval"), ("day", "interval"),
                            ("week", "interval"), ("day", "operator"), ("day", "total")]:
        started = time.perf_counter()
        result = sla_report(start=start, end=end, interval=interval, group=group)
        took = time.perf_counter() - started
        print(f"sla_report interval={interval:<5} group={group:<8} rows={len(result['rows']):>5}"
              f"  {took * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
