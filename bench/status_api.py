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
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time

from common import ROOT, empty, machine, setup


def _clients(port: int, path: str, headers: dict, clients: int, seconds: float):
    latencies: list[float] = []
    errors = []
    stop = time.perf_counter() + seconds

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                errors.append((response.status, body[:200]))
            mine.append(time.perf_counter() - started)
        latencies.extend(mine)
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"rps": len(latencies) / seconds, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
            "errors": len(errors), "first_error": errors[0] if errors else None}


def _data() -> tuple[str, str]:
    from django.contrib.auth import get_user_model

    from hotline.models import Case, Customer, Distributor, Handset
    from hotline.tests.factories import CaseFactory, DistributorFactory
    from partners.models import DistributorKey, Scope
    from partners.services.keys import key_create

    empty(DistributorKey, Case, Handset, Customer, Distributor)
    # The keys' API users of an earlier run would be left linked to no distributor.
    get_user_model().objects.filter(username__startswith="api-").delete()
    distributor = DistributorFactory()
    case = CaseFactory(distributor=distributor)
    _key, secret = key_create(distributor=distributor, name="bench",
                              scopes=[Scope.READ_STATUS])
    return case.number, secret


def _serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "status_floor_settings",
           "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "hotline.wsgi"], env=env, cwd=ROOT)
    for _ in range(150):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/floor/cases/none/")
            probe.getresponse().read()
            return server
        except (OSError, http.client.HTTPException):
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped: see its output above") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


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
    server = _serve(args.port)
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
