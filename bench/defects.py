"""Benchmark: N defect records, then time the weekly roll-up, the early-warning scan over
every series, a trend chart's query and every QA page's queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench_defects \\
        .venv/bin/python bench/defects.py [--records 500000] [--full] \\
        [--distribution realistic|uniform] [--reuse]

`--full` is the size of the goal: 10 million records on PostgreSQL, the full weekly scan under
3 s and a trend query under 300 ms (each against its hand-written SQL floor, median of 3).

Two distributions: `realistic` (the default: a few models take most failures, fault codes
follow a Pareto law, a batch fails only after it was made and most model x fault x batch
series are sparse) and `uniform`, the worst case for the scan (every batch series equally
full, every roll-up cell present).

On PostgreSQL the records are generated in the database (INSERT ... SELECT generate_series)
as a bulk import would load them: the table's secondary indexes and foreign keys are dropped
for the load and rebuilt once, then the weekly roll-up is built once, set-based
(quality.services.rollup_rebuild). Elsewhere (SQLite) in Python batches. Uses a scratch
database: it empties the quality tables first. `--reuse` keeps records already generated with
the same size and distribution (to re-time the queries). Exits 1 when a goal is missed.
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
PAGE_GOAL_MS = 1000  # each QA page's queries (reported, not a failing goal)
SCRIPTS = ["charging", "battery", "display", "audio", "network", "boot"]
COUNTRIES = ["FR"] * 14 + ["BE", "BE", "DE", "ES", "IT", "CH"]


def _timed(label, func, repeat=1):
    runs = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        runs.append((time.perf_counter() - started) * 1000)
    took = statistics.median(runs)
    print(f"{label:<60} {took:9.1f} ms" + (f" (median of {repeat})" if repeat > 1 else ""),
          flush=True)
    return took, result


def zipf_cdf(n: int, s: float) -> list[float]:
    """Inner thresholds (n - 1 of them) of a Zipf law over n ranks: rank 1 the most likely."""
    weights = [1 / (rank ** s) for rank in range(1, n + 1)]
    total, running, thresholds = sum(weights), 0.0, []
    for weight in weights[:-1]:
        running += weight
        thresholds.append(running / total)
    return thresholds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--full", action="store_true", help="10 million records")
    parser.add_argument("--distribution", choices=["realistic", "uniform"], default="realistic")
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--batches", type=int, default=18, help="batches per model")
    parser.add_argument("--weeks", type=int, default=78)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the records of a previous run of the same size")
    parser.add_argument("--compare-records", action="store_true",
                        help="also time every page counted from the records alone (as before "
                             "the roll-ups), median of 1")
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
    from quality.models import Batch, DefectRecord, DefectWeek, InstalledBase, monday
    from quality.services import NO_FAULT_CODES

    call_command("migrate", verbosity=0)
    fault_codes_load()
    today = timezone.localdate()
    first_week = monday(today) - datetime.timedelta(weeks=args.weeks - 1)
    tag = f"bench:{args.distribution}:{args.records}:{first_week}"
    reuse = (args.reuse and DefectRecord.objects.filter(key=f"{tag}:1").exists()
             and DefectRecord.objects.count() == args.records)
    models = [HandsetModel.objects.get_or_create(brand="Bench", name=f"M{i:02d}")[0]
              for i in range(args.models)]
    model_weights = ([1.0] * args.models if args.distribution == "uniform" else
                     [1 / (rank ** 1.1) for rank in range(1, args.models + 1)])
    if not reuse:
        _empty(connection)
        InstalledBase.objects.filter(model__brand="Bench").delete()
        Batch.objects.filter(model__brand="Bench").delete()
        for model, weight in zip(models, model_weights, strict=True):
            for month in range(args.batches):
                made = add_months(first_week.replace(day=1), month)
                Batch.objects.create(code=f"{model.name}-{month:02d}", model=model,
                                     manufactured_on=made)
                InstalledBase.objects.update_or_create(
                    model=model, month=made, country="",
                    defaults={"units": int(200_000 * weight / max(model_weights))})
    batches = list(Batch.objects.filter(model__in=models).order_by("model__name", "code"))
    faults = list(FaultCode.objects.exclude(code__in=NO_FAULT_CODES).order_by("code")
              .values_list("code", "category"))
    print(f"{args.records:,} records ({args.distribution}), {len(models)} models x "
          f"{len(faults)} fault codes x {args.batches} batches, {args.weeks} weeks, on "
          f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}", flush=True)

    if reuse:
        print("records kept from a previous run (--reuse)")
    elif connection.vendor == "postgresql":
        _generate_postgres(connection, args, tag, models, batches, faults, first_week, today)
    else:
        started = time.perf_counter()
        _generate_orm(args.records, batches, faults, first_week, args.weeks)
        from quality.services import rollup_rebuild
        print(f"{'generate records (Python batches)':<60} {(time.perf_counter() - started):9.1f} s")
        _timed("weekly roll-up, built from scratch (set-based)", rollup_rebuild)
    print(f"{'roll-up cells':<60} {DefectWeek.objects.count():>9,}", flush=True)
    missed = _time_queries(args, connection, models, faults, first_week, today)
    for name in GOALS_MS:
        print(f"goal {name}: < {GOALS_MS[name]} ms")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        sys.exit(1)
    print("all goals met")


def _empty(connection):
    from quality.models import Alert, AlertNote, DefectRecord, DefectWeek

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE quality_defectweek, quality_defectrecord")
    else:
        DefectWeek.objects.all().delete()
        DefectRecord.objects.all().delete()
    AlertNote.objects.all().delete()
    Alert.objects.all().delete()


def _time_queries(args, connection, models, faults, first_week, today) -> list[str]:
    from quality import selectors
    from quality.models import monday
    from quality.selectors import Filters
    from quality.services import rollup_refresh
    from quality.warning import scan

    weeks = [first_week + datetime.timedelta(weeks=i) for i in range(args.weeks)]
    _timed("roll-up refresh of the top (week, model, fault) cell (a hook)",
           lambda: rollup_refresh({(weeks[-1], models[0].pk, faults[0][0])}), repeat=5)
    scan_ms, findings = _timed("early-warning scan, every series", lambda: scan(as_of=today),
                               repeat=3)
    print(f"{'signals found (random data: noise and young batches)':<60} {len(findings):>9}")
    floor_ms, _rows = _timed("floor: the scan's GROUP BY, hand-written SQL",
                             lambda: _scan_floor(today), repeat=3)
    print(f"{'scan / floor':<60} {scan_ms / floor_ms:9.2f} x")
    # the chart a QA engineer opens most: the top model's top fault over the default 26 weeks
    top_fault = faults[0][0]
    f = Filters(start=today - datetime.timedelta(weeks=26), end=today, model_id=models[0].pk,
                fault_code=top_fault)
    trend_ms, _rows = _timed("weekly trend of one model x fault (chart query)",
                             lambda: selectors.weekly_trend(f), repeat=3)
    trend_floor_ms, _rows = _timed("floor: the trend's GROUP BY, hand-written SQL",
                                   lambda: _trend_floor(f), repeat=3)
    print(f"{'trend / floor':<60} {trend_ms / trend_floor_ms:9.2f} x")

    # Every QA page's queries with the console's default period (26 weeks)
    page = Filters(start=today - datetime.timedelta(weeks=26), end=today)
    one = Filters(start=page.start, end=page.end, model_id=models[0].pk)
    slow = []
    pages = [
        ("landing: rates by model (13 weeks)", lambda: selectors.failure_rates(
            Filters(start=today - datetime.timedelta(weeks=13), end=today), by="model")),
        ("landing: top movers", lambda: selectors.top_movers(week=monday(today), limit=8)),
        ("rates by model", lambda: selectors.failure_rates(page, by="model")),
        ("rates by fault code", lambda: selectors.failure_rates(page, by="fault_code")),
        ("rates by fault code, one country", lambda: selectors.failure_rates(
            Filters(start=page.start, end=page.end, country="BE"), by="fault_code")),
        ("rates by batch", lambda: selectors.failure_rates(page, by="batch")),
        ("rates by month of production", lambda: selectors.failure_rates(
            page, by="production_month")),
        ("hazard (months in service, Nevada)", lambda: selectors.failure_rates(
            page, by="months_in_service")),
        ("hazard of one model", lambda: selectors.failure_rates(one, by="months_in_service")),
        ("Pareto of one model", lambda: selectors.pareto(one)),
        ("weekly trend, every model", lambda: selectors.weekly_trend(page)),
        ("batch comparison of one model", lambda: selectors.batch_comparison(one)),
        ("batch comparison, every model", lambda: selectors.batch_comparison(page)),
        ("NFF by fault code", lambda: selectors.nff_rates(page, by="fault_code")),
        ("NFF by script", lambda: selectors.nff_rates(page, by="script")),
        ("NFF by script end node", lambda: selectors.nff_rates(page, by="end_node")),
        ("records page: count and first 50", lambda: _records_page(page)),
        ("records of one model: count and first 50", lambda: _records_page(one)),
        ("records page 200 of one model", lambda: _records_page(one, number=200)),
    ]
    for label, func in pages:
        took, rows = _timed(f"page: {label}", func, repeat=3)
        if took > PAGE_GOAL_MS:
            slow.append(label)
        if args.compare_records:
            selectors.USE_ROLLUPS = False
            _took, from_records = _timed("  the same from the records alone", func)
            selectors.USE_ROLLUPS = True
            if "records page" not in label and from_records != rows:
                raise SystemExit(f"{label}: the roll-ups and the records disagree")
    if slow:
        print(f"pages over {PAGE_GOAL_MS} ms: {', '.join(slow)}")
    return [name for name, took in (("scan", scan_ms), ("trend", trend_ms))
            if took > GOALS_MS[name]]


def _records_page(f, number=1):
    """What the records page reads: the count (from the roll-up) and one page of 50."""
    from quality import selectors
    from quality.tables import records_queryset
    from quality.views import RecordPaginator

    page = RecordPaginator(records_queryset(f), 50, count=selectors.record_count(f)).get_page(
        number)
    return page.paginator.count, list(page.object_list)


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


def _trend_floor(f):
    """The trend's least: failures per week of one model x fault from the roll-up."""
    from django.db import connection

    from quality.models import monday

    with connection.cursor() as cursor:
        cursor.execute("SELECT week, SUM(failures) FROM quality_defectweek WHERE model_id = %s "
                       "AND fault_code_id = %s AND week >= %s AND week <= %s GROUP BY week",
                       [f.model_id, f.fault_code, monday(f.start), monday(f.end)])
        return cursor.fetchall()


# --- the generator --------------------------------------------------------------------------
def _generate_postgres(connection, args, tag, models, batches, faults, first_week, today):
    from django.db import transaction

    from quality.services import rollup_rebuild

    # one transaction: a failed load leaves the table, its indexes and constraints as they were
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        started = time.perf_counter()
        dropped = _drop_secondary(cursor)
        step = 1_000_000
        for start in range(0, args.records, step):
            _insert_chunk(cursor, args, tag, models, batches, faults, first_week, today,
                          start + 1, min(args.records, start + step))
        loaded = time.perf_counter()
        print(f"{'generate records (INSERT ... SELECT generate_series)':<60} "
              f"{loaded - started:9.1f} s ({args.records / (loaded - started):,.0f} rows/s)",
              flush=True)
        _restore_secondary(cursor, dropped)
        indexed = time.perf_counter()
        print(f"{'rebuild indexes and foreign keys (' + str(len(dropped)) + ')':<60} "
              f"{indexed - loaded:9.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE quality_defectrecord")
        print(f"{'vacuum analyze':<60} {time.perf_counter() - indexed:9.1f} s", flush=True)
    _timed("weekly roll-up, built once (set-based, every week)", rollup_rebuild)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE quality_defectweek")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('quality_defectrecord'))")
        print(f"{'records table with its indexes':<60} {cursor.fetchone()[0]:>9}", flush=True)


def _drop_secondary(cursor) -> list[tuple[str, str]]:
    """Drop the records table's unique, foreign-key constraints and secondary indexes (not
    the primary key); return what rebuilds them."""
    cursor.execute("""
        SELECT 'ALTER TABLE quality_defectrecord ADD CONSTRAINT ' || quote_ident(conname) || ' '
               || pg_get_constraintdef(oid), 'ALTER TABLE quality_defectrecord DROP CONSTRAINT '
               || quote_ident(conname)
        FROM pg_constraint WHERE conrelid = 'quality_defectrecord'::regclass AND contype IN ('u', 'f')
        ORDER BY contype DESC, conname""")
    constraints = cursor.fetchall()
    cursor.execute("""
        SELECT indexdef, 'DROP INDEX ' || quote_ident(indexname) FROM pg_indexes
        WHERE tablename = 'quality_defectrecord' AND indexname NOT IN (
            SELECT conname FROM pg_constraint WHERE conrelid = 'quality_defectrecord'::regclass)
        ORDER BY indexname""")
    indexes = cursor.fetchall()
    for _create, drop in constraints + indexes:
        cursor.execute(drop)
    return constraints + indexes


def _restore_secondary(cursor, dropped):
    for create, _drop in dropped:
        cursor.execute(create)


def _insert_chunk(cursor, args, tag, models, batches, faults, first_week, today, start, stop):
    """Records start..stop, in date order within the chunk (as they arrive). Realistic:
    model by a Zipf law (s = 1.1), fault code by a Pareto (Zipf s = 1.3, each model its own
    order), batch by a Zipf law (s = 1.2) among the model's, the failure after the batch was
    made; uniform: every batch and week alike (the fault codes skewed as before: the square
    of a uniform draw)."""
    nb, nf, nm = args.batches, len(faults), len(models)
    uniform = args.distribution == "uniform"
    model_cdf = [i / nm for i in range(1, nm)] if uniform else zipf_cdf(nm, 1.1)
    batch_cdf = [i / nb for i in range(1, nb)] if uniform else zipf_cdf(nb, 1.2)
    fault_cdf = ([(k / nf) ** 0.5 for k in range(1, nf)] if uniform else zipf_cdf(nf, 1.3))
    batch_ids = [b.pk for b in batches]
    made = [b.manufactured_on for b in batches]
    # a realistic batch order: the big batches are not all the oldest
    order = list(range(nb))
    random.Random(7).shuffle(order)
    cursor.execute("""
        INSERT INTO quality_defectrecord (key, occurred_on, week, imei, model_id,
            fault_code_id, category, batch_id, production_month, purchase_month,
            months_in_service, country, region, source, verdict, reported_fault_code,
            script, script_version, end_node, component, root_cause, reference,
            created_at, updated_at)
        SELECT %(tag)s || ':' || g, d, d - (extract(isodow from d)::int - 1), '',
            (%(models)s::bigint[])[m], (%(codes)s::text[])[f], (%(cats)s::text[])[f],
            (%(batches)s::bigint[])[b], date_trunc('month', made)::date,
            date_trunc('month', made + 30)::date,
            CASE WHEN %(uniform)s THEN 1 + (g %% 24) ELSE greatest(1,
                (extract(year from d)::int - extract(year from made + 30)::int) * 12
                + extract(month from d)::int - extract(month from made + 30)::int + 1) END,
            (%(countries)s::text[])[1 + (g %% 20)],
            CASE WHEN (%(countries)s::text[])[1 + (g %% 20)] = 'FR'
                 THEN lpad((1 + (g::bigint * 7919) %% 95)::text, 2, '0') ELSE '' END,
            CASE WHEN v < 0.75 THEN 'hotline' ELSE 'inspection' END,
            CASE WHEN v < 0.75 THEN 'reported' WHEN v < 0.86 THEN 'confirmed'
                 WHEN v < 0.96 THEN 'nff' ELSE 'customer_damage' END,
            (%(codes)s::text[])[f],
            CASE WHEN g %% 5 < 4 THEN (%(scripts)s::text[])[1 + (f %% 6)] ELSE '' END,
            CASE WHEN g %% 5 < 4 THEN 1 + (g %% 3) END,
            CASE WHEN g %% 5 < 4 THEN 'end-' || (%(codes)s::text[])[f] || '-' || (g %% 4) ELSE '' END,
            '', '', '', now(), now()
        FROM (
            SELECT g, m, f, b, v, made, CASE WHEN %(uniform)s
                THEN %(first)s::date + floor(u * %(days)s)::int
                ELSE made + floor(u * (%(today)s::date - made + 1))::int END AS d
            FROM (
                SELECT g, m, ((rf - 1 + (m - 1) * 3) %% %(nf)s) + 1 AS f,
                       (m - 1) * %(nb)s + (%(order)s::int[])[rb] AS b, u, v,
                       (%(made)s::date[])[(m - 1) * %(nb)s + (%(order)s::int[])[rb]] AS made
                FROM (
                    SELECT g, 1 + width_bucket(random(), %(mcdf)s::float8[]) AS m,
                           1 + width_bucket(random(), %(bcdf)s::float8[]) AS rb,
                           1 + width_bucket(random(), %(fcdf)s::float8[]) AS rf,
                           random() AS u, random() AS v
                    FROM generate_series(%(start)s, %(stop)s) AS g) AS draw) AS picked
            ) AS s
        ORDER BY d  -- records arrive in time order: a day's records sit together on disk
    """, {"tag": tag, "models": [m.pk for m in models], "codes": [c for c, _cat in faults],
          "cats": [cat for _c, cat in faults], "batches": batch_ids, "made": made,
          "countries": COUNTRIES, "scripts": SCRIPTS, "uniform": uniform, "first": first_week,
          "days": args.weeks * 7, "today": today, "nf": nf, "nb": nb,
          "order": [1 + i for i in (range(nb) if uniform else order)], "mcdf": model_cdf,
          "bcdf": batch_cdf, "fcdf": fault_cdf, "start": start, "stop": stop})


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
