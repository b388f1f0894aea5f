"""A returned-unit inspection is the strongest evidence: it updates the hotline's record."""

import datetime
import zoneinfo

import pytest
import time_machine

from exchanges.decisions.fulfilment import swap_request
from exchanges.swaps import services as swaps_service
from exchanges.tests.factories import fault, swap_case
from quality.models import DefectRecord
from quality.services import defect_record_apply, evidence_for_case

pytestmark = pytest.mark.usefixtures("fault_codes")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def returned_swap(run, settings):
    from django.utils import timezone

    from carriers.services import sandbox_advance

    settings.TIME_ZONE = "Europe/Paris"
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS), tick=False) as t:
        case, decision = swap_case()
        swap = run(swap_request, case=case, decision=decision)
        evidence = evidence_for_case(case, source="hotline", fault_code="BAT-01",
                                     occurred_on=datetime.date(2026, 12, 7))
        defect_record_apply(evidence)
        for hours in (24, 30):
            t.shift(datetime.timedelta(hours=hours))
            run(sandbox_advance, until=timezone.now())
        swap.refresh_from_db()
        assert swap.status == "return_received"
        yield swap


@pytest.mark.parametrize("outcome, code, verdict", [
    ("no_fault_found", None, "nff"),
    ("fault_confirmed", "BAT-03", "confirmed"),
    ("customer_damage", None, "customer_damage"),
])
def test_the_inspection_outcome_becomes_the_records_verdict(run, returned_swap, operator, outcome,
                                                            code, verdict):
    run(swaps_service.swap_inspect, swap=returned_swap, actor=operator,
        received_imei=returned_swap.case.handset.imei, outcome=outcome,
        fault_code=fault(code) if code else None)

    record = DefectRecord.objects.get(case=returned_swap.case)
    assert (record.source, record.verdict, record.fault_code_id) == (
        "inspection", verdict, code or "BAT-01")
    assert DefectRecord.objects.count() == 1


def test_an_inspection_without_a_prior_record_takes_the_swaps_fault_code(run, returned_swap, operator):
    DefectRecord.objects.all().delete()

    run(swaps_service.swap_inspect, swap=returned_swap, actor=operator,
        received_imei=returned_swap.case.handset.imei, outcome="no_fault_found")

    record = DefectRecord.objects.get(case=returned_swap.case)
    assert (record.verdict, record.fault_code_id) == ("nff", returned_swap.fault_code_id)


