"""Benchmark: the partner status API, `GET /api/v1/cases/{number}/`, under gunicorn with 2
workers and persistent database connections, against the floor, a bare DRF view returning
the same case row (bench/status_floor.py), on a scratch PostgreSQL database.

    DATABASE_URL=postgres://.../scratch CACHE_URL=redis://.../n \
        .venv/bin/python bench/status_api.py [--seconds 10]

Set CACHE_URL as in production (Redis): keys are cached only with a shared cache.

A Python load generator (one persistent HTTP connection per client) drives the project's
view and the floor alternately, three rounds each, at 1 and 4 concurrent clients, and
prints the requests per second and the p50 / p99 latencies. Goal (issue 18): >= 0.5x the
floor's throughput, p99 < 50 ms at 4 concurrent.
"""

import argparse
import os
import statistics
import sys

from common import drive, empty, machine, serve, setup


def _clients(port: int, path: str, headers: dict, clients: int, seconds: float) -> dict:
    def send(connection) -> bool:
        connection.request("GET", path, headers=headers)
        return True

    return drive(port, clients, seconds, send)


def _data() -> tuple[str, str]:
    from django.contrib.auth import get_user_model

    from hotline.models import Case, Customer, Distributor, Handset
    from hotline.tests.factories import CaseFactory, DistributorFactory
    from partners.models import DistributorKey, Scope
    from partners.services.keys import key_create
    from partners.services.public import public_case_refresh

    empty(DistributorKey, Case, Handset, Customer, Distributor)
    # The keys' API users of an earlier run would be left linked to no distributor.
    get_user_model().objects.filter(username__startswith="api-").delete()
    distributor = DistributorFactory()
    case = CaseFactory(distributor=distributor)
    # Its public view, as the refresh after its opening stores it in production (without
    # it the API answers live: partners.snapshot).
    public_case_refresh(case_id=case.pk)
    _key, secret = key_create(distributor=distributor, name="bench",
                              scopes=[Scope.READ_STATUS])
    return case.number, secret


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8107)))
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/status_api.py runs on PostgreSQL: set DATABASE_URL")
    number, secret = _data()
    print(f"machine: {machine()}")
    # The key's throttle still counts every request (in the cache); its rate out of reach.
    os.environ.setdefault("PARTNERS_API_RATE", "100000000/minute")
    if not os.environ.get("CACHE_URL"):
        print("CACHE_URL is not set: a per-process cache, so API keys are read from the "
              "database at every request (PARTNERS_API_KEY_CACHE_SECONDS is 0 by default)")
    server = serve(args.port)
    try:
        project = (f"/api/v1/cases/{number}/", {"Authorization": f"Api-Key {secret}"})
        floor = (f"/floor/cases/{number}/", {})
        for clients in (1, 4):
            found = {"project": [], "floor": []}
            for _ in range(3):
                for name, (path, headers) in (("project", project), ("floor", floor)):
                    found[name].append(_clients(args.port, path, headers, clients,
                                                args.seconds))
            for name, runs in found.items():
                rps = statistics.median(r["rps"] for r in runs)
                p50 = statistics.median(r["p50"] for r in runs)
                p99 = statistics.median(r["p99"] for r in runs)
                errors = sum(r["errors"] for r in runs)
                first = next((r["first_error"] for r in runs if r["first_error"]), None)
                print(f"{clients} concurrent, {name:<7}: {rps:7.1f} req/s   p50 {p50:6.1f} ms"
                      f"   p99 {p99:6.1f} ms   non-200: {errors}" + (f" ({first})" if first else ""))
            ratio = (statistics.median(r["rps"] for r in found["project"])
                     / statistics.median(r["rps"] for r in found["floor"]))
            print(f"{clients} concurrent: throughput ratio (medians) {ratio:.2f}x the floor")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
