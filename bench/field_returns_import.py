"""Benchmark: `import_field_returns` on a file of N field returns (the product's bulk path).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench_returns \\
        .venv/bin/python bench/field_returns_import.py [--rows 200000]

Writes a CSV of N returns (three models, their batches by IMEI range, 31 fault codes, half
without a batch column so the IMEI ranges decide), imports it through
quality.imports.import_field_returns (the command's and the console's path: every row
checked, then written, the roll-ups rebuilt once, set-based) and prints the rows per second of
each phase; then imports it again (idempotence: nothing added). Uses a scratch database: it
empties the quality tables first.
"""

import argparse
import cProfile
import csv
import datetime
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from diagnostics.models import FaultCode
    from diagnostics.reference import fault_codes_load
    from hotline.models import HandsetModel, Tac
    from hotline.validators import imei_with_check_digit
    from quality.imports import import_field_returns
    from quality.models import Batch, DefectNffWeek, DefectRecord, DefectServiceWeek, DefectWeek
    from quality.services import NO_FAULT_CODES

    call_command("migrate", verbosity=0)
    fault_codes_load()
    for table in (DefectWeek, DefectServiceWeek, DefectNffWeek, DefectRecord):
        table.objects.all().delete()
    Batch.objects.filter(model__brand="Bench").delete()
    models = []
    for i in range(3):
        model = HandsetModel.objects.get_or_create(brand="Bench", name=f"R{i}")[0]
        tac = f"3599{i:02d}01"
        Tac.objects.get_or_create(tac=tac, defaults={"model": model})
        for b in range(12):
            Batch.objects.create(code=f"R{i}-{b:02d}", model=model,
                                 imei_from=imei_with_check_digit(f"{tac}{b * 80000:06d}"),
                                 imei_to=imei_with_check_digit(f"{tac}{b * 80000 + 79999:06d}"),
                                 manufactured_on=datetime.date(2025, 1 + b % 12, 1))
        models.append((model, tac))
    faults = list(FaultCode.objects.exclude(code__in=NO_FAULT_CODES).values_list("code", flat=True))
    rng = random.Random(4)
    today = timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "imei", "model", "fault_code", "batch", "country", "source",
                     "reference"])
    for n in range(args.rows):
        model, tac = rng.choice(models)
        serial = rng.randrange(960000)
        writer.writerow([(today - datetime.timedelta(days=rng.randrange(540))).isoformat(),
                         imei_with_check_digit(f"{tac}{serial:06d}"),
                         f"{model.brand} {model.name}" if n % 3 else "", rng.choice(faults),
                         f"{model.name}-{serial // 80000:02d}" if n % 2 else "",
                         rng.choice(["FR", "BE", "DE", ""]),
                         rng.choice(["repair_partner", "distributor", "hotline"]), f"REF-{n}"])
    path = Path(tempfile.mkdtemp()) / "returns.csv"
    path.write_text(out.getvalue())
    print(f"{args.rows:,} field returns ({path.stat().st_size / 1e6:.1f} MB) on "
          f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}", flush=True)

    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = import_field_returns(path)
    if profiler:
        profiler.disable()
    took = time.perf_counter() - started
    print(f"{'import (check, write, roll-ups)':<50} {took:8.1f} s "
          f"({args.rows / took:,.0f} rows/s): {result.summary()}", flush=True)
    started = time.perf_counter()
    again = import_field_returns(path)
    took = time.perf_counter() - started
    print(f"{'the same file again (nothing to add)':<50} {took:8.1f} s "
          f"({args.rows / took:,.0f} rows/s): {again.summary()}", flush=True)
    assert result.added == args.rows and again.added == 0
    assert sum(DefectWeek.objects.values_list("failures", flat=True)) == args.rows
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
