"""QA demo data: 18 months of installed base, monthly production batches and a defect history
for our catalogue models, with one hidden defect the early warning must find (charging ports
of one Nordline N5 batch, failing from a few weeks ago) and a control model (Nordline N5 Pro:
same shipments, same base rates) that must not alarm. Idempotent, and seeded: every run
builds the same history."""

from __future__ import annotations

import datetime
import math
import random
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from diagnostics.models import FaultCode
from hotline.models import HandsetModel
from hotline.validators import imei_with_check_digit
from quality.models import Batch, DefectRecord, InstalledBase, Source, Verdict, monday, month_start
from quality.regions import region_for
from quality.services import rollup_rebuild
from quality.warning import alerts_scan

MONTHS = 18
SEED = 20261
# model name -> (batch prefix, units shipped per month); N5 Pro is the control of N5.
FLEET = {"N5": ("N5", 20000), "N5 Pro": ("N5P", 20000), "N3 Lite": ("N3L", 12000),
         "Rugged R2": ("R2", 4000)}
# Weekly failures per 1,000 units in the field, the same for every model.
BASE_RATES = {"CHG-01": 0.010, "BAT-01": 0.012, "DSP-01": 0.008, "PWR-01": 0.005,
              "NET-03": 0.004, "CHG-02": 0.006, "AUD-01": 0.003, "CAM-01": 0.003}
DEFECT = {"model": "N5", "fault": "CHG-01", "batch_age_months": 11, "factor": 20.0,
          "weeks_ago": 5}
POSTCODES = {"FR": ["75011", "69003", "13008", "31000", "33000", "59000", "44000", "67000",
                    "20090", "97400"], "BE": ["1000", "2000", "4000", "9000", "5000"]}
SOURCES = [(Source.HOTLINE, 0.7), (Source.REPAIR_PARTNER, 0.2), (Source.DISTRIBUTOR, 0.1)]


def _months_back(today: datetime.date, n: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _poisson(rng: random.Random, mu: float) -> int:
    if mu > 30:  # normal approximation, plenty for a demo
        return max(0, round(rng.gauss(mu, math.sqrt(mu))))
    limit, k, p = math.exp(-mu), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _script_outcomes() -> dict[str, list[tuple[str, str]]]:
    """fault code -> [(script, outcome node)] from the shipped scripts."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "scripts").glob("*.yaml")):
        script = yaml.safe_load(path.read_text())
        for node in script.get("nodes", []):
            if node.get("fault_code"):
                found.setdefault(node["fault_code"], []).append((script["id"], node["id"]))
    return found


@transaction.atomic
def load(*, stdout) -> None:
    if DefectRecord.objects.filter(key__startswith="demo:").exists():
        return
    today = timezone.localdate()
    rng = random.Random(SEED)
    models = {m.name: m for m in HandsetModel.objects.filter(name__in=FLEET, brand="Nordline")}
    faults = dict(FaultCode.objects.filter(pk__in=BASE_RATES).values_list("code", "category"))
    outcomes = _script_outcomes()
    first_month = _months_back(today, MONTHS - 1)
    batches: dict[str, list[Batch]] = {}
    for name, model in models.items():
        prefix, units = FLEET[name]
        tac = model.tacs.order_by("tac").values_list("tac", flat=True).first()
        start = max(first_month, month_start(model.launch_date or first_month))
        month, serial, made = start, 100000, []
        while month <= today:
            shipped = units if month < month_start(today) else units * today.day // 31
            InstalledBase.objects.update_or_create(month=month, model=model, country="",
                                                   defaults={"units": shipped})
            code = f"{prefix}-{month:%y%m}"
            batch, _created = Batch.objects.update_or_create(code=code, defaults={
                "model": model, "imei_from": imei_with_check_digit(f"{tac}{serial:06d}"),
                "imei_to": imei_with_check_digit(f"{tac}{serial + units - 1:06d}"),
                "manufactured_on": month - datetime.timedelta(days=10)})
            made.append(batch)
            serial += units
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        batches[name] = made
    records = _history(rng, today, models, batches, faults, outcomes)
    DefectRecord.objects.bulk_create(records, batch_size=2000)
    rollup_rebuild({record.week for record in records})
    alerts = alerts_scan(as_of=today)
    stdout.write(f"quality demo: {len(records)} defect records, {len(alerts)} alert(s)")


def _history(rng, today, models, batches, faults, outcomes) -> list[DefectRecord]:
    records = []
    defect_batch = batches[DEFECT["model"]][-DEFECT["batch_age_months"] - 1]
    defect_from = monday(today) - datetime.timedelta(weeks=DEFECT["weeks_ago"])
    for name, model in models.items():
        units_per_month = FLEET[name][1]
        week = monday(batches[name][0].manufactured_on + datetime.timedelta(days=10))
        while week <= today:
            shipped = [b for b in batches[name] if b.manufactured_on + datetime.timedelta(days=10) <= week]
            in_field = units_per_month * len(shipped)
            for fault, rate in BASE_RATES.items():
                for _n in range(_poisson(rng, rate * in_field / 1000)):
                    batch = rng.choice(shipped)
                    records.append(_record(rng, today, week, model, batch, fault, faults, outcomes,
                                           len(records)))
                if name == DEFECT["model"] and fault == DEFECT["fault"] and week >= defect_from:
                    extra = (DEFECT["factor"] - 1) * rate * units_per_month / 1000
                    for _n in range(_poisson(rng, extra)):
                        records.append(_record(rng, today, week, model, defect_batch, fault, faults,
                                               outcomes, len(records)))
            week += datetime.timedelta(weeks=1)
    return [r for r in records if r is not None]


def _record(rng, today, week, model, batch, fault, faults, outcomes, n) -> DefectRecord | None:
    day = week + datetime.timedelta(days=rng.randrange(7))
    if day > today:
        return None
    serial = int(batch.imei_from[8:14]) + rng.randrange(batch.units)
    imei = imei_with_check_digit(f"{batch.imei_from[:8]}{serial:06d}")
    country = "FR" if rng.random() < 0.85 else "BE"
    postcode = rng.choice(POSTCODES[country])
    source = rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0]
    script, node = rng.choice(outcomes.get(fault) or [("", "")]) if source == Source.HOTLINE else ("", "")
    verdict = Verdict.CONFIRMED if source == Source.REPAIR_PARTNER else Verdict.REPORTED
    if source == Source.HOTLINE and rng.random() < 0.6:  # the returned unit was inspected
        nff = 0.25 if fault in ("CHG-01", "BAT-01") and node.endswith(("port", "degraded")) else 0.1
        draw = rng.random()
        verdict = (Verdict.NFF if draw < nff else Verdict.CUSTOMER_DAMAGE if draw < nff + 0.03
                   else Verdict.CONFIRMED)
        source = Source.INSPECTION
    made = month_start(batch.manufactured_on + datetime.timedelta(days=10))
    purchase = min(month_start(day), _add_month(made, rng.randrange(3)))
    return DefectRecord(
        key=f"demo:{n}", occurred_on=day, week=week, imei=imei, model=model, fault_code_id=fault,
        category=faults[fault], batch=batch, production_month=month_start(batch.manufactured_on),
        purchase_month=purchase,
        months_in_service=(day.year - purchase.year) * 12 + day.month - purchase.month + 1,
        country=country, region=region_for(country, postcode), source=source, verdict=verdict,
        reported_fault_code=fault, script=script, end_node=node,
        reference=f"DEMO-{n:06d}" if source != Source.HOTLINE else "")


def _add_month(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)
