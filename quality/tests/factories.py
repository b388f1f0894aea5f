"""Small builders for quality tests: a model with its TAC, batches, installed base, records."""

from __future__ import annotations

import datetime
import itertools

from hotline.tests.factories import HandsetModelFactory, TacFactory
from hotline.validators import imei_with_check_digit
from quality.models import Batch, DefectRecord, InstalledBase, Verdict, monday
from quality.services import rollup_rebuild

_keys = itertools.count(1)


def catalogue_model(brand="Nordline", name="N5", tac="35999101"):
    model = HandsetModelFactory(brand=brand, name=name)
    TacFactory(tac=tac, model=model)
    return model


def imei(tac: str, serial: int) -> str:
    return imei_with_check_digit(f"{tac}{serial:06d}")


def batch(model, code, tac, first, last, made=datetime.date(2025, 1, 10)):
    return Batch.objects.create(code=code, model=model, imei_from=imei(tac, first),
                                imei_to=imei(tac, last), manufactured_on=made)


def shipped(model, month: str, units: int, country: str = ""):
    return InstalledBase.objects.create(model=model, month=datetime.date.fromisoformat(month + "-01"),
                                        units=units, country=country)


def records(model, fault, day: datetime.date, n: int = 1, *, batch=None, verdict=Verdict.REPORTED,
            months_in_service=None, script="", end_node="", rollup=True, **fields):
    made = [DefectRecord.objects.create(
        key=f"test:{next(_keys)}", model=model, fault_code_id=fault, category="charging",
        occurred_on=day, week=monday(day), batch=batch, verdict=verdict, source="hotline",
        months_in_service=months_in_service, script=script, end_node=end_node,
        reported_fault_code=fault, **fields) for _ in range(n)]
    if rollup:
        rollup_rebuild({monday(day)})
    return made


def rising_batch_history(as_of=datetime.date(2026, 11, 29)):
    """Nordline N5 with two batches failing twice a week on CHG-01 from May, and batch B2609
    failing eight times more from 2 November (the scan as of `as_of` finds it)."""
    from quality.models import DefectRecord

    n5 = catalogue_model()
    for month in range(1, 12):
        shipped(n5, f"2026-{month:02d}", 10000 if month < 3 else 0)
    good, bad = batch(n5, "B1", "35999101", 1, 10000), batch(n5, "B2609", "35999101", 10001, 20000)
    week = datetime.date(2026, 5, 4)
    while week <= as_of:
        records(n5, "CHG-01", week + datetime.timedelta(days=2), 1, batch=good, rollup=False)
        records(n5, "CHG-01", week + datetime.timedelta(days=2), 1, batch=bad, rollup=False)
        if week >= datetime.date(2026, 11, 2):
            records(n5, "CHG-01", week + datetime.timedelta(days=3), 8, batch=bad, rollup=False)
        week += datetime.timedelta(weeks=1)
    rollup_rebuild(set(DefectRecord.objects.values_list("week", flat=True)))
    return n5
