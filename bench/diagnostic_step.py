"""Benchmark: one answer to a diagnostic step through the API, `POST /api/v1/diagnosis-runs/
{id}/answer/` (an operator's token), under gunicorn with 2 workers and persistent database
connections, against the floor, a bare DRF view that locks the run, stores the step and
moves the run on (bench/status_floor.py), on a scratch PostgreSQL database.

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/diagnostic_step.py \\
        [--seconds 5] [--runs N]

Every request answers the first question of a run of its own (the same script, runs made in
bulk beforehand: `--runs` for each side). A Python load generator (one persistent HTTP
connection per client) drives the project and the floor alternately, three rounds each, at
1 and 4 concurrent clients, and prints requests per second and p50 / p95 / p99 latencies.
Goal (issue 18): p95 < 25 ms (one client).
"""

import argparse
import json
import os
import statistics
import sys
import threading
import uuid

from common import drive, empty, machine, serve, setup

ANSWER = json.dumps({"step": 0, "answer": "flat"})


def _clients(port: int, path: str, headers: dict, runs, clients: int, seconds: float) -> dict:
    """Each request answers the first step of a run not answered yet (`runs`, shared)."""
    take = threading.Lock()

    def send(connection) -> bool:
        with take:
            pk = next(runs, None)
        if pk is None:
            return False
        connection.request("POST", path.format(pk=pk), body=ANSWER, headers=headers)
        return True

    return drive(port, clients, seconds, send, none_sent="no run left to answer: raise --runs")


def _data(runs: int) -> tuple[str, list[int], list[int]]:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from diagnostics.models import RunStatus, ScriptRun
    from diagnostics.reference import fault_codes_load
    from diagnostics.tests.factories import publish_sample
    from hotline.models import Case, Customer, Handset
    from hotline.tests.factories import CaseFactory, UserFactory

    empty(Case, Handset, Customer)  # and, by cascade, their runs and steps
    fault_codes_load()
    version = publish_sample()
    operator = UserFactory(username=f"bench-{uuid.uuid4().hex[:8]}", roles=["operator"])
    token = Token.objects.create(user=operator).key
    base = CaseFactory(status="diagnosing")
    fields = {f.attname: getattr(base, f.attname) for f in Case._meta.concrete_fields
              if f.attname not in ("id", "number")}
    tag = uuid.uuid4().hex[:6].upper()
    cases = Case.objects.bulk_create(
        [Case(**fields, number=f"B{tag}-{n:07d}") for n in range(2 * runs)], batch_size=2000)
    now = timezone.now()
    made = ScriptRun.objects.bulk_create(
        [ScriptRun(case=case, version=version, operator=operator, status=RunStatus.IN_PROGRESS,
                   current_node=version.tree["start"], node_entered_at=now, started_at=now)
         for case in cases], batch_size=2000)
    pks = [run.pk for run in made]
    return token, pks[:runs], pks[runs:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=None,
                        help="runs made for each side (by default enough for 1,000 answers a "
                             "second through every round: 3 x 2 rounds of --seconds)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8107)))
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/diagnostic_step.py runs on PostgreSQL: set DATABASE_URL")
    if args.runs is None:  # each side answers one run a request, 1 then 4 clients, 3 rounds
        args.runs = int(6 * args.seconds * 1000)
    print(f"making {2 * args.runs} runs...", flush=True)
    token, project_runs, floor_runs = _data(args.runs)
    print(f"machine: {machine()}")
    pools = {"project": iter(project_runs), "floor": iter(floor_runs)}
    json_body = {"Content-Type": "application/json"}
    sides = {"project": ("/api/v1/diagnosis-runs/{pk}/answer/",
                         {**json_body, "Authorization": f"Token {token}"}),
             "floor": ("/floor/diagnosis-runs/{pk}/answer/", json_body)}
    # The throttle still counts every request (in the cache); its rate is set out of reach.
    os.environ.setdefault("API_RATE_USER", "100000000/minute")
    server = serve(args.port)
    try:
        for clients in (1, 4):
            found = {"project": [], "floor": []}
            for _ in range(3):
                for name, (path, headers) in sides.items():
                    found[name].append(_clients(args.port, path, headers, pools[name],
                                                clients, args.seconds))
            for name, runs in found.items():
                figures = {k: statistics.median(r[k] for r in runs)
                           for k in ("rps", "p50", "p95", "p99")}
                errors = sum(r["errors"] for r in runs)
                first = next((r["first_error"] for r in runs if r["first_error"]), None)
                short = " (ran out of runs: raise --runs)" if any(r["short"] for r in runs) \
                    else ""
                print(f"{clients} concurrent, {name:<7}: {figures['rps']:7.1f} req/s   "
                      f"p50 {figures['p50']:6.1f} ms   p95 {figures['p95']:6.1f} ms   "
                      f"p99 {figures['p99']:6.1f} ms   non-200: {errors}"
                      + (f" ({first})" if first else "") + short)
            project = statistics.median(r["p95"] for r in found["project"])
            floor = statistics.median(r["p95"] for r in found["floor"])
            print(f"{clients} concurrent: p95 {project:.1f} ms, {project / floor:.2f}x the "
                  f"floor's {floor:.1f} ms (goal at 1 client: < 25 ms)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
