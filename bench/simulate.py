"""Benchmark: the call simulator through the bulk ingestion path (target: 2,000 calls/s).

    [DATABASE_URL=postgres://.../scratch] .venv/bin/python bench/simulate.py [--days 7] [--calls-per-day 4000]
"""

import argparse

from common import Timer, empty, machine, setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--calls-per-day", type=float, default=4000)
    args = parser.parse_args()
    setup()
    from calls.models import AgentEvent, AgentSession, AgentState, Call, CallEvent
    from calls.simulate import Profile, simulate

    empty(CallEvent, Call, AgentEvent, AgentSession, AgentState)
    print(f"machine: {machine()}")
    with Timer() as took:
        report = simulate(days=args.days, seed=3,
                          profile=Profile(calls_per_day=args.calls_per_day))
    print(f"simulate: {report.calls:,} calls, {report.events:,} events over {report.days} days, "
          f"{len(report.agents)} agents")
    print(f"  {report.calls / took.wall:,.0f} calls/s ({took.wall:.1f} s wall, "
          f"{took.cpu:.1f} s CPU: {report.calls / max(took.cpu, 1e-9):,.0f} calls per CPU second)")
    if took.db is not None:
        both = took.cpu + took.db
        print(f"  CPU of the database backend: {took.db:.1f} s; process + database: {both:.1f} s "
              f"= {report.calls / max(both, 1e-9):,.0f} calls per CPU second")


if __name__ == "__main__":
    main()
