"""Benchmark: import a synthetic Asterisk queue_log through the project's path, against the
floor (split every line and COPY the fields into a bare table: no call is built).

    [DATABASE_URL=postgres://.../scratch] .venv/bin/python bench/queue_log_import.py [--calls 20000]

Prints lines/s of the first import, of the re-import (adds nothing) and of the floor, the
ratio, the CPU seconds of this process and of the database backend (PostgreSQL on the same
host), and the peak memory of the process (the import streams: it does not grow with the file).

With --no-reimport (for the 7 M-line file of `--calls 2400000`), the re-import and the
second floor run are left out. A progress bar shows the import's lines and rate.

With --check, the same file is imported again through the Python fold (the path SQLite
takes, and PostgreSQL's before the SQL fold) and the calls table (every folded column) and the
SLA report of the whole period must be the same.
"""

import argparse
import os
import random
import tempfile

from common import Timer, empty, machine, peak_memory_mb, progress, setup

FOLDED = ["telephony_id", "queue", "caller_raw", "caller_number", "caller_withheld",
          "dialled_number", "queued_at", "queued_epoch", "answered_at", "agent_id", "ended_at",
          "wrapup_done_at", "wait_seconds", "talk_seconds", "hold_seconds", "wrapup_seconds",
          "transferred", "outcome", "operator_id", "customer_id"]


def synthetic_log(path: str, calls: int, seed: int = 1) -> int:
    """Write `calls` calls (ENTERQUEUE, CONNECT, COMPLETE or ABANDON, some agent pauses)."""
    rng = random.Random(seed)
    t, lines = 1_772_438_400, 0
    with open(path, "w") as handle, progress(calls, "writing queue_log", "calls") as bar:
        for n in range(calls):
            t += rng.randint(0, 4)
            callid = f"{t}.{n}"
            out = [f"{t}|{callid}|hotline|NONE|ENTERQUEUE||06{rng.randrange(10**8):08d}|1"]
            wait = rng.randint(0, 90)
            if rng.random() < 0.08:
                out.append(f"{t + wait}|{callid}|hotline|NONE|ABANDON|1|1|{wait}")
            else:
                agent = f"Agent/{1001 + rng.randrange(200)}"
                talk = rng.randint(30, 600)
                out.append(f"{t + wait}|{callid}|hotline|{agent}|CONNECT|{wait}|{callid}x|2")
                out.append(f"{t + wait + talk}|{callid}|hotline|{agent}|COMPLETECALLER|"
                           f"{wait}|{talk}|1")
            if n % 500 == 0:
                out.append(f"{t}|NONE|hotline|Agent/{1001 + rng.randrange(200)}|PAUSE|")
            handle.write("\n".join(out) + "\n")
            lines += len(out)
            bar.update()
    return lines


def floor(path: str) -> None:
    """Split each line and store its fields in bulk: the least any importer must do."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor, open(path, "rb") as handle:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS _floor (at bigint, callid text, "
                       "queue text, agent text, event text, data text)")
        rows = ([*fields[:5], "|".join(fields[5:])] for fields in
                (line.decode().rstrip("\n").split("|") for line in handle))
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY _floor FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO _floor VALUES (%s, %s, %s, %s, %s, %s)", list(rows))
        cursor.execute("DROP TABLE _floor")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--no-reimport", action="store_true",
                        help="import once (the largest files): no re-import, one floor run")
    parser.add_argument("--check", action="store_true",
                        help="compare the calls and SLA report with the Python fold's")
    args = parser.parse_args()
    setup()
    from calls.models import AgentEvent, AgentSession, AgentState, Call, CallEvent, ImportCheckpoint
    from calls.queue_log import import_file

    empty(CallEvent, Call, AgentEvent, AgentSession, AgentState, ImportCheckpoint)
    path = os.path.join(tempfile.mkdtemp(prefix="hotline-bench-"), "queue_log")
    lines = synthetic_log(path, args.calls)
    print(f"machine: {machine()}")
    with Timer() as floor_time:
        floor(path)
    with Timer() as first, progress(os.path.getsize(path), "importing", "B") as bar:
        report = import_file(path, progress=_advance(bar))
    again = floor_again = None
    if not args.no_reimport:
        with Timer() as again:
            import_file(path)
        with Timer() as floor_again:
            floor(path)
    floor_wall = min(t.wall for t in (floor_time, floor_again) if t)
    print(f"queue_log: {lines:,} lines, {report.added:,} events, "
          f"{Call.objects.count():,} calls")
    print(f"  import (project): {lines / first.wall:,.0f} lines/s ({first.wall:.1f} s wall, "
          f"{first.cpu:.1f} s CPU of this process = {lines / max(first.cpu, 1e-9):,.0f} lines "
          f"per CPU-second: the figure a shared machine distorts least)")
    if first.db is not None:
        both = first.cpu + first.db
        print(f"  CPU of the database backend: {first.db:.1f} s; process + database: "
              f"{both:.1f} s = {lines / max(both, 1e-9):,.0f} lines per CPU-second")
    if again:
        print(f"  re-import, nothing new: {lines / again.wall:,.0f} lines/s ({again.wall:.1f} s)")
    floor_cpu = min(t.cpu + (t.db or 0) for t in (floor_time, floor_again) if t)
    print(f"  floor (split + bulk insert): {lines / floor_wall:,.0f} lines/s ({floor_wall:.1f} s; "
          f"{floor_cpu:.1f} s CPU of the process and the database)")
    print(f"  ratio import/floor throughput: {floor_wall / first.wall:.2f}x")
    print(f"  peak memory of the process: {peak_memory_mb():.0f} MB")
    if args.check:
        check(path, CallEvent, AgentState, Call, AgentEvent, AgentSession, ImportCheckpoint)
    os.unlink(path)


def _advance(bar):
    """The import's progress callback: bytes read, lines and lines per second."""
    def advance(lines: int, offset: int) -> None:
        rate = lines / max(bar.format_dict["elapsed"], 1e-6)
        bar.set_postfix_str(f"{lines:,} lines, {rate:,.0f} lines/s", refresh=False)
        bar.update(offset - bar.n)
    return advance


def check(path: str, *models) -> None:
    """Import the file again through the Python fold: the same calls, the same report."""
    import datetime

    from django.db import connection

    if connection.vendor != "postgresql":
        print("  check: SQLite folds in Python already, nothing to compare")
        return

    from calls import bulk
    from calls.metrics import sla_report
    from calls.models import Call
    from calls.queue_log import import_file

    def imported():
        calls = list(Call.objects.order_by("telephony_id").values_list(*FOLDED))
        first, last = calls and (min(c[6] for c in calls), max(c[6] for c in calls))
        report = sla_report(start=first, end=last + datetime.timedelta(seconds=1))
        return calls, report

    sql_fold = imported()
    empty(*models)
    bulk.FOLD_IN_SQL = False
    with Timer() as python_time:
        import_file(path)
    bulk.FOLD_IN_SQL = True
    python_fold = imported()
    same = sql_fold == python_fold
    cpu = python_time.cpu + (python_time.db or 0)
    print(f"  check: the Python fold ({python_time.wall:.1f} s wall, {cpu:.1f} s CPU of the "
          f"process and the database) gives "
          f"{'the same' if same else 'DIFFERENT'} {len(python_fold[0]):,} calls and SLA "
          f"report ({sql_fold[1]['total']['offered']:,} calls offered)")
    if not same:
        raise SystemExit("the SQL fold and the Python fold disagree")


if __name__ == "__main__":
    main()
