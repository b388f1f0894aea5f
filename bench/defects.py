"""Benchmark: N defect records, then time the weekly roll-up, the early-warning scan over
every series and a trend chart's query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench_defects \\
        .venv/bin/python bench/defects.py [--records 500000] [--full]

`--full` is the size of the goal: 10 million records on PostgreSQL, the full weekly scan under
3 s and a trend query under 300 ms. The default (500,000) runs in a few minutes. Records are
generated in the database (generate_series) on PostgreSQL, in Python batches elsewhere. Uses a
scratch database: it deletes the quality tables' rows first. Exits 1 when a goal is missed.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

GOALS_MS = {"scan": 3000, "trend": 300}


def _timed(label, func, repeat=1):
    runs = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        runs.append((time.perf_counter() - started) * 1000)
    took = statistics.median(runs)
    print(f"{label:<52} {took:9.1f} ms" + (f" (median of {repeat})" if repeat > 1 else ""))
    return took, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--full", action="store_true", help="10 million records")
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--batches", type=int, default=18, help="batches per model")
    parser.add_argument("--weeks", type=int, default=78)
    args = parser.parse_args()
    if args.full:
        args.records = 10_000_000

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from diagnostics.models import FaultCode
    from diagnostics.reference import fault_codes_load
    from hotline.models import HandsetModel
    from hotline.models.handsets import add_months
    from quality import selectors
    from quality.models import Batch, DefectRecord, DefectWeek, InstalledBase, monday
    from quality.selectors import Filters
    from quality.services import rollup_rebuild_weeks
    from quality.warning import scan

    call_command("migrate", verbosity=0)
    fault_codes_load()
    DefectWeek.objects.all().delete()
    DefectRecord.objects.all().delete()
    InstalledBase.objects.filter(model__brand="Bench").delete()
    Batch.objects.filter(model__brand="Bench").delete()
    today = timezone.localdate()
    first_week = monday(today) - datetime.timedelta(weeks=args.weeks - 1)
    models = [HandsetModel.objects.get_or_create(brand="Bench", name=f"M{i:02d}")[0]
              for i in range(args.models)]
    batches = []
    for model in models:
        for month in range(args.batches):
            made = add_months(first_week.replace(day=1), month)
            batches.append(Batch.objects.create(code=f"{model.name}-{month:02d}", model=model,
                                                manufactured_on=made))
            InstalledBase.objects.update_or_create(model=model, month=made, country="",
                                                   defaults={"units": 50_000})
    faults = list(FaultCode.objects.values_list("code", "category"))
    print(f"{args.records:,} records, {len(models)} models x {len(faults)} fault codes x "
          f"{args.batches} batches, {args.weeks} weeks, on {connection.vendor}")

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _generate_sql(connection, args.records, batches, faults, first_week, args.weeks)
    else:
        _generate_orm(args.records, batches, faults, first_week, args.weeks)
    print(f"{'generate records':<52} {(time.perf_counter() - started):9.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE quality_defectrecord")
    weeks = [first_week + datetime.timedelta(weeks=i) for i in range(args.weeks)]
    _t, cells = _timed("weekly roll-up, built from scratch", lambda: rollup_rebuild_weeks(weeks))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE quality_defectweek")
    print(f"{'roll-up cells':<52} {cells:>9,}")
    from quality.services import rollup_refresh
    _timed("roll-up refresh of one (week, model) cell (a hook)",
           lambda: rollup_refresh({(weeks[-1], models[0].pk)}), repeat=5)

    scan_ms, findings = _timed("early-warning scan, every series", lambda: scan(as_of=today),
                               repeat=3)
    print(f"{'signals found (random data: noise and young batches)':<52} {len(findings):>9}")
    floor_ms, _rows = _timed("floor: the scan's GROUP BY, hand-written SQL", lambda: _scan_floor(
        today), repeat=3)
    print(f"{'scan / floor':<52} {scan_ms / floor_ms:9.2f} x")
    f = Filters(start=first_week, end=today, model_id=models[0].pk, fault_code=faults[0][0])
    trend_ms, rows = _timed("weekly trend of one model x fault (chart query)",
                            lambda: selectors.weekly_trend(f), repeat=5)
    _timed("failure rates by model (13 weeks, records)", lambda: selectors.failure_rates(
        Filters(start=today - datetime.timedelta(weeks=13), end=today), by="model"), repeat=3)
    _timed("pareto of one model (13 weeks, records)", lambda: selectors.pareto(
        Filters(start=today - datetime.timedelta(weeks=13), end=today, model_id=models[0].pk)),
           repeat=3)
    _timed("top movers", lambda: selectors.top_movers(week=monday(today)), repeat=3)
    missed = [name for name, took in (("scan", scan_ms), ("trend", trend_ms)) if took > GOALS_MS[name]]
    for name in GOALS_MS:
        print(f"goal {name}: < {GOALS_MS[name]} ms")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        sys.exit(1)
    print("all goals met")


def _scan_floor(today):
    """The least any scan must do: one hand-written GROUP BY returning, per model x fault x
    batch series, the baseline's failures and each window week's failures, all rows read."""
    from django.db import connection

    from quality.method import params_from_settings
    from quality.warning import WEEK, last_complete_week

    params = params_from_settings()
    last = last_complete_week(today)
    weeks = [last - WEEK * (params.weeks - 1 - i) for i in range(params.weeks)]
    window = weeks[params.baseline_weeks:]
    if connection.vendor == "postgresql":
        sums = ", ".join(["SUM(failures) FILTER (WHERE week < %s)"]
                         + ["SUM(failures) FILTER (WHERE week = %s)"] * len(window))
    else:
        sums = ", ".join(["SUM(CASE WHEN week < %s THEN failures END)"]
                         + ["SUM(CASE WHEN week = %s THEN failures END)"] * len(window))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT model_id, fault_code_id, batch_id, {sums} FROM quality_defectweek "
                       "WHERE week >= %s AND week <= %s AND failures > 0 GROUP BY 1, 2, 3",
                       [window[0], *window, weeks[0], weeks[-1]])
        return cursor.fetchall()


def _generate_sql(connection, n, batches, faults, first_week, weeks):
    batch_ids = [b.pk for b in batches]
    model_ids = [b.model_id for b in batches]
    codes = [c for c, _cat in faults]
    categories = [cat for _c, cat in faults]
    step = 1_000_000
    with connection.cursor() as cursor:
        for start in range(0, n, step):
            cursor.execute("""
                INSERT INTO quality_defectrecord (key, occurred_on, week, imei, model_id,
                    fault_code_id, category, batch_id, production_month, purchase_month,
                    months_in_service, country, region, source, verdict, reported_fault_code,
                    script, script_version, end_node, component, root_cause, reference,
                    created_at, updated_at)
                SELECT 'bench:' || g, d, d - ((extract(isodow from d)::int - 1)), '',
                    (%(models)s::bigint[])[b], (%(codes)s::text[])[f], (%(cats)s::text[])[f],
                    (%(batches)s::bigint[])[b], NULL, NULL, 1 + (g %% 24), 'FR', '75',
                    'hotline', CASE WHEN g %% 10 = 0 THEN 'nff' ELSE 'reported' END,
                    (%(codes)s::text[])[f], '', NULL, '', '', '', '', now(), now()
                FROM (SELECT g,
                        %(first)s::date + (random() * (%(days)s - 1))::int AS d,
                        1 + floor(random() * %(nb)s)::int AS b,
                        1 + floor(power(random(), 2) * %(nf)s)::int AS f
                      FROM generate_series(%(start)s, %(stop)s) AS g) AS s
            """, {"models": model_ids, "codes": codes, "cats": categories, "batches": batch_ids,
                  "first": first_week, "days": weeks * 7, "nb": len(batch_ids), "nf": len(codes),
                  "start": start + 1, "stop": min(n, start + step)})


def _generate_orm(n, batches, faults, first_week, weeks):
    from quality.models import DefectRecord, monday

    rng = random.Random(5)
    chunk = []
    for i in range(n):
        batch = rng.choice(batches)
        code, category = faults[int(rng.random() ** 2 * len(faults))]
        day = first_week + datetime.timedelta(days=rng.randrange(weeks * 7))
        chunk.append(DefectRecord(key=f"bench:{i}", occurred_on=day, week=monday(day),
                                  model_id=batch.model_id, fault_code_id=code, category=category,
                                  batch=batch, months_in_service=1 + i % 24, country="FR",
                                  region="75", source="hotline",
                                  verdict="nff" if i % 10 == 0 else "reported",
                                  reported_fault_code=code))
        if len(chunk) == 5000:
            DefectRecord.objects.bulk_create(chunk)
            chunk = []
    DefectRecord.objects.bulk_create(chunk)


if __name__ == "__main__":
    main()
