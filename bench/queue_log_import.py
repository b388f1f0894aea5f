"""Benchmark: import a synthetic Asterisk queue_log of N calls, then import it again.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/queue_log_import.py [--calls 5000]

Prints lines per second for the first import and for the re-import (which adds nothing).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")


def synthetic_log(calls: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    t, lines = 1_772_438_400, []
    for n in range(calls):
        t += rng.randint(5, 60)
        callid = f"{t}.{n}"
        lines.append(f"{t}|{callid}|hotline|NONE|ENTERQUEUE||06{rng.randrange(10**8):08d}|1")
        wait = rng.randint(0, 90)
        if rng.random() < 0.1:
            lines.append(f"{t + wait}|{callid}|hotline|NONE|ABANDON|1|1|{wait}")
            continue
        agent = f"Agent/{1001 + rng.randrange(20)}"
        talk = rng.randint(30, 600)
        lines.append(f"{t + wait}|{callid}|hotline|{agent}|CONNECT|{wait}|{callid}x|2")
        lines.append(f"{t + wait + talk}|{callid}|hotline|{agent}|COMPLETECALLER|{wait}|{talk}|1")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from calls.queue_log import import_file

    call_command("migrate", verbosity=0)
    lines = synthetic_log(args.calls)
    with tempfile.NamedTemporaryFile("w", suffix=".queue_log", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    for label in ("first import", "re-import"):
        started = time.perf_counter()
        report = import_file(handle.name)
        took = time.perf_counter() - started
        print(f"{label}: {report.lines} lines in {took:.1f} s ({report.lines / took:.0f} lines/s), "
              f"{report.added} events added, {report.duplicates} already known")
    os.unlink(handle.name)


if __name__ == "__main__":
    main()
