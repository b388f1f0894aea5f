"""How long does the staff API's customer search take on a large database, read-only?

Usage: DATABASE_URL=postgres://.../bench_search .venv/bin/python bench/customer_api.py
       [--rounds 15] [--old]

Times `GET /api/v1/customers/?q=` in process (the view, serializers and JSON rendering;
neither authentication, the role check nor throttling, which would need a user written to the database)
for a common name, rare parts of names, two words and a phone number, on a database that
bench/search.py built (bench_search: 1 M customers). The session is read-only
(`default_transaction_read_only`, from its first statement; nothing is migrated): nothing is
written. `--old` also times the view
as it was before issue 18's bound (every match counted, then ordered by name with
LIMIT/OFFSET), and the floor is one customer read by primary key in raw SQL, alternated in
the same run. Prints p50 / p95 in ms per query and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

QUERIES = ["martin", "mar", "pendaillnou", "berza", "ontfo", "ndail", "lucas camille",
           "06 10 01 23 45"]


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--old", action="store_true", help="time the unbounded view too")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL must name a database that bench/search.py built")
    # Read-only from the first statement: no migration either (bench.common.setup migrates).
    os.environ["PGOPTIONS"] = "-c default_transaction_read_only=on"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection
    from rest_framework import generics
    from rest_framework.pagination import PageNumberPagination
    from rest_framework.test import APIRequestFactory

    from hotline import selectors
    from hotline.api.serializers import CustomerOutputSerializer
    from hotline.api.views import CustomerSearchApi

    class Bounded(CustomerSearchApi):
        authentication_classes = []
        permission_classes = []
        throttle_classes = []

    class Unbounded(generics.ListAPIView):  # the view before issue 18's bound
        authentication_classes = []
        permission_classes = []
        throttle_classes = []
        serializer_class = CustomerOutputSerializer
        pagination_class = PageNumberPagination

        def get_queryset(self):
            return selectors.search(query=self.request.query_params.get("q", ""))["customers"]

    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.execute("SELECT min(id) FROM hotline_customer")
        first_id = cursor.fetchone()[0]
    views = {"api": Bounded.as_view()}
    if args.old:
        views["old"] = Unbounded.as_view()
    factory = APIRequestFactory()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM hotline_customer WHERE id = %s", [first_id])
            cursor.fetchall()

    print(machine())
    for query in QUERIES:
        times = {name: [] for name in [*views, "floor"]}
        answer = None
        for _ in range(args.rounds):
            for name, view in views.items():
                start = time.perf_counter()
                response = view(factory.get("/api/v1/customers/", {"q": query}))
                response.render()
                times[name].append((time.perf_counter() - start) * 1000)
                if name == "api":
                    answer = response.data
                    assert response.status_code == 200, (query, response.status_code, answer)
            start = time.perf_counter()
            floor()
            times["floor"].append((time.perf_counter() - start) * 1000)
        figures = ", ".join(f"{name} {p50:.1f} / {p95:.1f}"
                            for name, (p50, p95) in ((n, percentiles(t))
                                                     for n, t in times.items()))
        print(f"{query!r}: count {answer['count']} more_than {answer['more_than']}: "
              f"p50 / p95 ms: {figures}")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
