"""How fast does the console find a caller? Search latency at a realistic number of customers.

Usage: .venv/bin/python bench/search.py [--customers 50000] [--queries 200] [--reuse]

Builds N customers (one phone and one handset each, a case for one in 50) on a throw-away
SQLite file, or on the scratch database DATABASE_URL names (its customers, phones, handsets
and cases are emptied first; `--reuse` keeps a database this script built before with the
same N and skips the build). Names follow a realistic distribution: 8 % of the customers
share 100 common surnames (Zipf-like: the first, Martin, about 0.4 %, as in France), the
others have rare surnames (a few customers each), and a few have two-letter surnames (Li,
Wu...); a quarter of the first names are common ones (Camille about 2 %), the others rare.
Then it times the console's search page (`hotline.selectors.search_page`: what the page
reads) for every kind of query an operator types, and prints p50 and p95 for each against
the floor measured alternately in the same run: one customer by primary key in raw SQL
(the round trip under the machine's load). Target (issue 18): p95 < 10 ms per kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, setup  # noqa: E402

COMMON = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
          "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David",
          "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
          "Rousseau", "Vincent", "Muller", "Lefevre", "Faure", "Andre", "Mercier", "Blanc",
          "Guerin", "Boyer", "Garnier", "Chevalier", "Francois", "Legrand", "Gauthier",
          "Garcia", "Perrin", "Robin", "Clement", "Morin", "Nicolas", "Henry", "Roussel",
          "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie",
          "Lemaire", "Noel", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud",
          "Joly", "Riviere", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
          "Gerard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
          "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
          "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoit", "Rey", "Leclerc", "Payet",
          "Rolland", "Leclercq", "Guillaume", "Lecomte"]
SHORT = ["Li", "Wu", "Ng", "Xu", "Hu", "Ma", "Yu", "Le"]
FIRSTS = ["Camille", "Lucas", "Chloé", "Hugo", "Léa", "Nathan", "Manon", "Louis", "Inès",
          "Jules", "Emma", "Arthur", "Zoé", "Paul", "Alice", "Noah", "Jade", "Adam", "Marie",
          "Jean", "Pierre", "Sophie", "Nicolas", "Julie", "Thomas", "Sarah", "Antoine", "Laura",
          "Julien", "Anaïs", "Mathis", "Clara", "Maxime", "Lina", "Théo", "Rose", "Gabriel",
          "Anna", "Raphaël", "Eva", "Mohamed", "Yasmine", "Kevin", "Céline", "Éric", "Nadia"]
# Rare surnames: two or three syllables out of 18 x 9 x 4 (consonant, vowel, ending), so a
# few letters of one are rare too, as in real names.
SYLLABLES = [c + v + e for c in "bcdfghjklmnprstvwz" for v in ["a", "e", "i", "o", "u", "ou",
                                                             "ai", "é", "y"]
             for e in ["", "r", "n", "ll"]]
DOMAINS = ["example.net", "example.org", "mail.example.com"]
CASE_EVERY = 50


def people(count: int, seed: int = 18) -> list[tuple[str, str, str]]:
    """(first name, last name, e-mail) of `count` customers, the same for the same seed."""
    rng = random.Random(seed)
    zipf = [1 / (rank ** 0.5) for rank in range(1, len(COMMON) + 1)]
    firsts = [1 / (rank ** 0.5) for rank in range(1, len(FIRSTS) + 1)]
    # A quarter of the first names from the common list (Camille, the first, about 2 %, as
    # Marie or Jean among French adults), the others from a long tail.
    rare_firsts = ["".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
                   for _ in range(max(10, count // 50))]
    # Rare surnames: one for every four customers in the pool, so a few customers each.
    pool = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            for _ in range(max(10, count // 4))]
    common = rng.choices(COMMON, zipf, k=count)
    first = [name if rng.random() < 0.25 else rng.choice(rare_firsts)
             for name in rng.choices(FIRSTS, firsts, k=count)]
    out = []
    for i in range(count):
        draw = rng.random()
        if draw < 0.08:
            last = common[i]
        elif draw < 0.081:
            last = SHORT[i % len(SHORT)]
        else:
            last = pool[rng.randrange(len(pool))]
        address = f"{_ascii(first[i])}.{_ascii(last)}{i % 1000}@{DOMAINS[i % 3]}"
        out.append((first[i], last, address))
    return out


def _ascii(text: str) -> str:
    import unicodedata

    return (unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
            .replace(" ", ""))


def imei(i: int) -> str:
    from hotline.validators import imei_with_check_digit

    return imei_with_check_digit(f"35999901{i:06d}")


def phone(i: int) -> str:
    return f"+336{10000000 + i:08d}"


def build(count: int, names, reuse: bool) -> None:
    from django.db import connection

    from bench.common import empty
    from hotline.models import Case, Customer, CustomerPhone, Handset, HandsetModel

    if reuse and Customer.objects.count() == count and Customer.objects.filter(
            pk=count, email=names[count - 1][2]).exists():
        print(f"reusing the {count} customers already built", file=sys.stderr)
        return
    started = time.perf_counter()
    empty(Case, Handset, CustomerPhone, Customer)
    model, _ = HandsetModel.objects.get_or_create(brand="Bench", name="B1")
    now = dt.datetime.now(dt.UTC)
    customers = ((i + 1, f, last, e, "FR", "fr", now, now) for i, (f, last, e) in enumerate(names))
    phones = ((i + 1, phone(i), "mobile", i + 1) for i in range(count))
    handsets = ((i + 1, imei(i), "", "", now, i + 1, model.pk) for i in range(count))
    cases = ((k + 1, f"HL-2026-{k + 1:06d}", "phone", "wont_charge", "", "open", now, now,
              k * CASE_EVERY + 1, k * CASE_EVERY + 1, 0) for k in range(count // CASE_EVERY))
    tables = [
        ("hotline_customer", "id, first_name, last_name, email, country, language, created_at, "
         "updated_at", customers),
        ("hotline_customerphone", "id, number, kind, customer_id", phones),
        ("hotline_handset", "id, imei, firmware_version, proof_of_purchase, created_at, "
         "owner_id, model_id", handsets),
        ("hotline_case", "id, number, channel, symptom, description, status, created_at, "
         "updated_at, customer_id, handset_id, reopened_count", cases),
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a restore would: indexes of the customers built after the load.
            # (with their statistics targets: migration hotline.0010)
            cursor.execute("SELECT indexname, indexdef, (SELECT string_agg(format("
                           "'ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s', indexname, "
                           "attnum, attstattarget), '; ') FROM pg_attribute WHERE attrelid = "
                           "indexname::regclass AND attstattarget > 0) FROM pg_indexes WHERE "
                           "tablename = 'hotline_customer' AND indexname <> "
                           "'hotline_customer_pkey'")
            indexes = cursor.fetchall()
            for name, _definition, _statistics in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for table, columns, rows in tables:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for n, row in enumerate(rows):
                        copy.write_row(row)
                        if n % 100_000 == 0:
                            print(f"\r{table}: {n:,}", end="", file=sys.stderr, flush=True)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
            print(file=sys.stderr)
            for _name, definition, statistics in indexes:
                cursor.execute(definition)
                if statistics:
                    cursor.execute(statistics)
        else:
            for table, columns, rows in tables:
                marks = ", ".join(["%s"] * len(columns.split(",")))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                                   list(rows))
        # The planner's statistics and the pages' hint bits, as autovacuum would leave them.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"built {count:,} customers in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


def queries(count: int, names, per_kind: int) -> dict[str, list[str]]:
    """What operators type, `per_kind` of each kind, drawn from the customers built."""
    rng = random.Random(7)
    picks = [rng.randrange(count) for _ in range(per_kind)]
    common = [i for i in range(count) if names[i][1] in COMMON][:50_000]
    rare = [i for i in range(count) if names[i][1] not in COMMON and len(names[i][1]) > 5]
    short = [i for i in range(count) if len(names[i][1]) <= 2]
    pick = lambda pool: [pool[rng.randrange(len(pool))] for _ in range(per_kind)]  # noqa: E731

    def part(word: str, size: int) -> str:
        start = rng.randrange(0, max(1, len(word) - size + 1))
        return word[start:start + size]

    cases = max(1, count // CASE_EVERY)
    return {
        "last name, common": [names[i][1] for i in pick(common)],
        "last name, rare": [names[i][1] for i in pick(rare)],
        "first + last name": [f"{names[i][0]} {names[i][1]}" for i in picks],
        "first name + part": [f"{names[i][0]} {part(names[i][1], 4)}" for i in pick(rare)],
        "part, rare (5 letters)": [part(names[i][1], 5) for i in pick(rare)],
        "part, common (3-4)": [part(names[i][1], rng.choice((3, 4))) for i in pick(common)],
        "two letters": [names[i][1] for i in pick(short)],
        "two letters + first": [f"{names[i][1]} {names[i][0]}" for i in pick(short)],
        "e-mail": [names[i][2] for i in picks],
        "phone E.164": [phone(i) for i in picks],
        "phone 06 12 34 56 78": [" ".join(("0" + phone(i)[3:])[k:k + 2] for k in range(0, 10, 2))
                                 for i in picks],
        "phone 0033 6...": ["0033 " + phone(i)[3:] for i in picks],
        "IMEI (15)": [imei(i) for i in picks],
        "IMEI (first 14)": [imei(i)[:14] for i in picks],
        "case number": [f"HL-2026-{rng.randrange(cases) + 1}" for _ in picks],
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the customers of a previous run with the same --customers")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from hotline.selectors import search_page

    names = people(args.customers)
    build(args.customers, names, args.reuse)
    kinds = queries(args.customers, names, args.queries)
    print(machine())
    with connection.cursor() as cursor:  # warm the caches alike for every kind
        cursor.execute("SELECT count(*) FROM hotline_customer")

    def floor(i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, last_name FROM hotline_customer WHERE id = %s",
                           [1 + (i * 7919) % args.customers])
            cursor.fetchall()

    def page(text: str) -> None:
        search_page(query=text)

    # Alternate the floor with each kind's queries, so both see the same load.
    results = {}
    for kind, texts in kinds.items():
        ours, base = [], []
        for n, text in enumerate(texts):
            t0 = time.perf_counter()
            floor(n)
            t1 = time.perf_counter()
            page(text)
            t2 = time.perf_counter()
            base.append((t1 - t0) * 1000)
            ours.append((t2 - t1) * 1000)
        results[kind] = (percentiles(ours), percentiles(base))
    print(f"{'kind':<24} {'p50':>8} {'p95':>8}   {'floor p50':>9} {'floor p95':>9}   goal p95 < 10 ms")
    for kind, ((p50, p95), (f50, f95)) in results.items():
        mark = "ok" if p95 < 10 else "OVER"
        print(f"{kind:<24} {p50:7.2f}  {p95:7.2f}   {f50:9.2f} {f95:9.2f}   {mark}")
    print(f"load average after the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
