"""Benchmark: the repair centre's work queue (repairs.selectors.repair_queue, paginated as the
page shows it) against the floor, the same page read by hand-written SQL (a count and one
joined, ordered, limited select) in the same run.

    .venv/bin/python bench/repair_queue.py [--orders 100000] [--pages 1,40]

Repair orders are generated straight into the table (bulk inserts): half finished, half on
the bench spread over its states; mail-in orders carry a promise and a case, returned swap
units none (they come after the promised ones). The project's page and the floor run
alternately, three times each; the best of each is compared, and the rows checked equal.
Runs on DATABASE_URL (a scratch database: it empties the tables it fills) or a throw-away
SQLite file.
"""

import argparse
import datetime
import random

from common import Timer, empty, machine, progress, setup

PAGE = 25
FLOOR_COUNT = "SELECT count(*) FROM repairs_repairorder WHERE status IN ({states})"
FLOOR_PAGE = """
SELECT r.id, r.number, r.kind, r.imei, r.status, r.promised_by, r.inspection_notes,
       m.brand, m.name, f.code, c.number, u.imei
FROM repairs_repairorder r
JOIN hotline_handsetmodel m ON m.id = r.model_id
JOIN diagnostics_faultcode f ON f.code = r.fault_code_id
LEFT JOIN hotline_case c ON c.id = r.case_id
LEFT JOIN exchanges_replacementunit u ON u.id = r.unit_id
WHERE r.status IN ({states})
ORDER BY r.promised_by ASC NULLS LAST, r.received_at ASC, r.id ASC
LIMIT {limit} OFFSET {offset}
"""


def generate(count: int, seed: int = 1) -> None:
    """Insert `count` repair orders, their units (stock repairs) and cases (mail-in)."""
    from django.utils import timezone

    from diagnostics.models import FaultCode
    from exchanges.models import ReplacementUnit
    from hotline.models import Case, Customer, HandsetModel
    from repairs.models import BENCH_STATES, RepairOrder, RepairStatus

    rng = random.Random(seed)
    models = [HandsetModel.objects.get_or_create(brand="Bench", name=f"B{i}")[0]
              for i in range(8)]
    faults = [FaultCode.objects.get_or_create(
        code=f"BEN-{i:02d}", defaults={"category": "battery", "description_en": f"Bench {i}",
                                       "description_fr": f"Banc {i}",
                                       "usual_action": "swap"})[0] for i in range(12)]
    customer = Customer.objects.create(first_name="Bench", last_name="Customer", country="FR")
    cases = Case.objects.bulk_create(
        Case(number=f"HL-BENCH-{i:06d}", customer=customer, symptom="other", status="in_service")
        for i in range(500))
    now = timezone.now()
    done = [RepairStatus.CLOSED, RepairStatus.RETIRED, RepairStatus.CANCELLED]
    bar = progress(count, "repair orders")
    batch = 5000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        kinds = ["mail_in" if rng.random() < 0.6 else "stock" for _ in range(size)]
        units = ReplacementUnit.objects.bulk_create(
            ReplacementUnit(model=rng.choice(models), imei=f"35{offset + k:013d}",
                            status="returned")
            for k, kind in enumerate(kinds) if kind == "stock")
        unit_iter = iter(units)
        orders = []
        for k, kind in enumerate(kinds):
            on_bench = rng.random() < 0.5
            received = now - datetime.timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            orders.append(RepairOrder(
                number=f"R-B-{offset + k:08d}", kind=kind, model=rng.choice(models),
                fault_code=rng.choice(faults), imei=f"35{offset + k:013d}",
                status=rng.choice(BENCH_STATES) if on_bench else rng.choice(done),
                case=rng.choice(cases) if kind == "mail_in" else None,
                unit=next(unit_iter) if kind == "stock" else None,
                promised_by=received + datetime.timedelta(days=rng.randrange(3, 9))
                if kind == "mail_in" else None,
                received_at=received, inspection_notes="Bench notes " * rng.randrange(0, 6)))
        RepairOrder.objects.bulk_create(orders)
        bar.update(size)
    bar.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--pages", default="1,40")
    args = parser.parse_args()
    setup()
    from django.core.paginator import Paginator
    from django.db import connection

    from exchanges.models import ReplacementUnit
    from hotline.models import Case
    from repairs.models import BENCH_STATES, RepairOrder
    from repairs.selectors import repair_queue

    empty(RepairOrder)
    empty(ReplacementUnit)
    Case.objects.filter(number__startswith="HL-BENCH-").delete()
    generate(args.orders)
    states = ", ".join(f"'{state}'" for state in BENCH_STATES)
    print(f"machine: {machine()}")
    print(f"repair queue: {args.orders:,} repair orders, "
          f"{RepairOrder.objects.on_bench().count():,} on the bench, {PAGE} a page")
    for number in (int(n) for n in args.pages.split(",")):
        project, hand = [], []
        for _ in range(3):
            with Timer() as took:
                page = Paginator(repair_queue(), PAGE).get_page(number)
                rows = [(o.number, str(o.model), o.fault_code.code,
                         o.case.number if o.case_id else "", o.unit.imei if o.unit_id else "")
                        for o in page]
                total = page.paginator.count
            project.append(took.wall)
            with Timer() as took, connection.cursor() as cursor:
                cursor.execute(FLOOR_COUNT.format(states=states))
                floor_total = cursor.fetchone()[0]
                cursor.execute(FLOOR_PAGE.format(states=states, limit=PAGE,
                                                 offset=(page.number - 1) * PAGE))
                floor_rows = cursor.fetchall()
            hand.append(took.wall)
        same = total == floor_total and [row[0] for row in rows] == [r[1] for r in floor_rows]
        print(f"  page {page.number}: project {min(project) * 1000:.1f} ms   floor (hand-written "
              f"SQL) {min(hand) * 1000:.1f} ms   ratio {min(project) / min(hand):.2f}x   "
              f"same rows: {same}")


if __name__ == "__main__":
    main()
