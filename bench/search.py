"""How fast does the console find a caller? Search latency on a realistic number of customers.

Usage: .venv/bin/python bench/search.py [--customers 50000]
Builds a throwaway SQLite database under var/bench/ (or uses DATABASE_URL), then times
search by phone (several formats), IMEI and name, and the name search without its index (a
scan, as it was on SQLite before the trigram table). Target: p95 under 50 ms per search, so an
operator sees the caller well within the 20-second answer target (issue 18: p95 < 10 ms).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        db = ROOT / "var" / "bench" / "search.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        if db.exists():
            db.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hotline.models import Customer, CustomerPhone, Handset, HandsetModel
    from hotline.selectors import search
    from hotline.validators import imei_with_check_digit

    # Names built from syllables (seeded): like real names, most share few trigrams, so a
    # trigram index is selective, where "Name0000001".."Name1000000" share most of theirs.
    rng = random.Random(18)
    syllables = ["ber", "dou", "fa", "gar", "la", "le", "mar", "mi", "mo", "nard", "neau",
                 "pin", "ra", "rou", "ro", "sal", "tin", "van", "vel", "za", "che", "cour",
                 "dal", "fon", "gui", "jou", "lan", "quet", "reau", "tel", "bre", "mont"]
    firsts = ["Camille", "Lucas", "Chloé", "Hugo", "Léa", "Nathan", "Manon", "Louis", "Inès",
              "Jules", "Emma", "Arthur", "Zoé", "Paul", "Alice", "Noah", "Jade", "Adam"]
    names = [("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
              + f"-{i % 997}", rng.choice(firsts)) for i in range(args.customers)]
    model, _ = HandsetModel.objects.get_or_create(brand="Bench", name="B1")
    started = time.perf_counter()
    from django.db import connection

    # A fast load on PostgreSQL: the trigram indexes are dropped during the load and built
    # again after it (as a restore would), rather than written entry by entry.
    trigram = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A scratch database (docs/benchmarks.md): start from no customer at all.
            cursor.execute("TRUNCATE hotline_customer, hotline_customerphone, hotline_handset "
                           "CASCADE")
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                           "'hotline_customer' AND indexdef LIKE '%%gin_trgm_ops%%'")
            trigram = cursor.fetchall()
            for name, _definition in trigram:
                cursor.execute(f"DROP INDEX {name}")
    batch = 5000
    for offset in range(0, args.customers, batch):
        customers = Customer.objects.bulk_create(
            Customer(first_name=names[i][1], last_name=names[i][0], country="FR",
                     email=f"{names[i][1].lower()}.{names[i][0].lower()}@example.net")
            for i in range(offset, min(offset + batch, args.customers)))
        CustomerPhone.objects.bulk_create(
            CustomerPhone(customer=c, number=f"+336{10000000 + offset + k:08d}")
            for k, c in enumerate(customers))
        Handset.objects.bulk_create(
            Handset(imei=imei_with_check_digit(f"35999901{offset + k:06d}"), model=model,
                    owner=c) for k, c in enumerate(customers))
    with connection.cursor() as cursor:
        for _name, definition in trigram:
            cursor.execute(definition)
    print(f"built {args.customers} customers in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum would leave them

    def timed(label, queries):
        samples = []
        for query in queries:
            t0 = time.perf_counter()
            result = search(query=query)
            list(result["customers"][:50])
            samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"{label:<22} median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms")

    step = max(1, args.customers // args.queries)
    picks = range(0, args.customers, step)
    # The floor: one customer by primary key, raw SQL: the round trip and the machine's load.
    first = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    samples = []
    with connection.cursor() as cursor:
        for i in picks:
            t0 = time.perf_counter()
            cursor.execute("SELECT id, last_name FROM hotline_customer WHERE id = %s",
                           [first + i])
            cursor.fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    print(f"{'floor: one row by pk':<22} median {statistics.median(samples):6.2f} ms   "
          f"p95 {samples[int(len(samples) * 0.95) - 1]:6.2f} ms")
    timed("phone, E.164", [f"+336{10000000 + i:08d}" for i in picks])
    timed("phone, national", [f"06 {10000000 + i:08d}"[:14] for i in picks])
    timed("IMEI", [imei_with_check_digit(f"35999901{i:06d}") for i in picks])
    timed("name", [names[i][0] for i in picks])
    timed("name, part of it", [names[i][0][1:6] for i in picks])
    timed("first and last name", [f"{names[i][1]} {names[i][0][:5]}" for i in picks])

    # The same name search as the icontains filter alone: a scan of every customer on SQLite
    # (as before its trigram table); on PostgreSQL the pg_trgm indexes serve it all the same.
    from django.db.models import Q

    from hotline.selectors import customer_list

    samples = []
    for i in picks:
        word = names[i][0]
        t0 = time.perf_counter()
        list(customer_list().filter(Q(last_name__icontains=word) | Q(first_name__icontains=word)
                                    | Q(email__icontains=word))[:50])
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    print(f"{'name, icontains only':<22} median {statistics.median(samples):6.2f} ms   "
          f"p95 {samples[int(len(samples) * 0.95) - 1]:6.2f} ms")


if __name__ == "__main__":
    main()
