"""The console's search page of an earlier commit and of the working tree, in one process.

Usage: .venv/bin/python bench/search_before_after.py --before COMMIT [--customers 1000000]
       [--queries 200] [--build] [kind ...]

Loads `hotline/selectors.py` as it was at COMMIT (`git show`) beside the current module and
times both `search_page`s on the customers `bench/search.py` built with the same
--customers (`--build` builds them first, as `bench/search.py --reuse` would), for the
query kinds of `bench/search.py` (all, or those named), alternating before, after and the
floor (one customer by primary key in raw SQL) query by query, so that the three see the
same load. Prints p50 and p95 of each. The database is the current schema: the earlier code
must run on it (its statements on the tables and indexes migrated since).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, setup  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="a commit of hotline/selectors.py")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--build", action="store_true",
                        help="build the customers first (kept when already built)")
    parser.add_argument("kinds", nargs="*")
    args = parser.parse_args()
    source = subprocess.run(["git", "show", f"{args.before}:hotline/selectors.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    setup()
    from django.db import connection

    from bench import search as bench
    from hotline.selectors import search_page as after

    path = Path(tempfile.mkdtemp(prefix="hotline-bench-")) / "selectors_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("selectors_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = module.search_page

    names = bench.people(args.customers)
    if args.build:
        bench.build(args.customers, names, reuse=True)
    kinds = bench.queries(args.customers, names, args.queries)
    print(machine(), f"before: {args.before}", sep="; ")

    def floor(i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, last_name FROM hotline_customer WHERE id = %s",
                           [1 + (i * 7919) % args.customers])
            cursor.fetchall()

    print(f"{'kind':<24} {'before p50':>10} {'p95':>7}  {'after p50':>9} {'p95':>7}  "
          f"{'floor p50':>9} {'p95':>7}")
    for kind in args.kinds or list(kinds):
        samples = {"before": [], "after": [], "floor": []}
        for n, text in enumerate(kinds[kind]):
            started = time.perf_counter()
            floor(n)
            samples["floor"].append((time.perf_counter() - started) * 1000)
            pair = [("before", before), ("after", after)]
            for name, page in pair if n % 2 else pair[::-1]:
                started = time.perf_counter()
                page(query=text)
                samples[name].append((time.perf_counter() - started) * 1000)
        figures = [bench.percentiles(samples[name]) for name in ("before", "after", "floor")]
        print(f"{kind:<24} " + "  ".join(f"{p50:9.2f} {p95:7.2f}" for p50, p95 in figures))
    print(f"load average after the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
