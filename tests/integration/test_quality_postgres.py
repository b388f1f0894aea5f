"""Quality on PostgreSQL: field returns written with COPY, the roll-ups rebuilt set-based, the
pages' figures from the roll-ups equal to the figures from the records."""

import datetime
import io

import pytest

from quality import selectors
from quality.imports import import_field_returns
from quality.models import DefectCountryWeek, DefectRecord, DefectWeek
from quality.selectors import Filters
from quality.tests.factories import batch, catalogue_model, imei

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fault_codes")]


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


def test_field_returns_are_copied_in_and_counted_by_every_roll_up(monkeypatch):
    n5 = catalogue_model()
    b = batch(n5, "B1", "35999101", 1, 500)
    rows = [f"2026-03-{1 + n % 20:02d},{imei('35999101', 1 + n)},,CHG-0{1 + n % 2},,"
            f"{'BE' if n % 3 == 0 else 'FR'},repair_partner,RP-{n}" for n in range(300)]
    text = "date,imei,model,fault_code,batch,country,source,reference\n" + "\n".join(rows)

    result = import_field_returns(io.StringIO(text))
    again = import_field_returns(io.StringIO(text))

    assert (result.added, again.added, again.unchanged) == (300, 0, 300)
    record = DefectRecord.objects.get(reference="RP-7")
    assert (record.batch, record.model, record.source, record.created_at is not None) == (
        b, n5, "repair_partner", True)
    assert sum(DefectWeek.objects.values_list("failures", flat=True)) == 300
    assert sum(DefectCountryWeek.objects.filter(country="BE").values_list(
        "failures", flat=True)) == 100
    for f in [Filters(start=datetime.date(2026, 3, 4), end=datetime.date(2026, 3, 18)),
              Filters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31),
                      country="BE")]:
        found = {}
        for use in (True, False):
            monkeypatch.setattr(selectors, "USE_ROLLUPS", use)
            found[use] = (selectors.failure_rates(f, by="fault_code"), selectors.pareto(f),
                          selectors.batch_comparison(f), selectors.record_count(f))
        assert found[True] == found[False]
