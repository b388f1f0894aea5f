"""Defect records are written by quality's audit subscriber, from the other apps' own events."""

import datetime

import pytest

from exchanges.decisions.services import diagnosis_record
from exchanges.tests.factories import diagnosing_case, fault
from hotline.models import OutboxMessage
from hotline.workflow import record_event
from quality.models import DefectNffWeek, DefectRecord, DefectWeek, Source, Verdict
from quality.services import defect_record_apply, evidence_for_case

pytestmark = pytest.mark.usefixtures("fault_codes")


def test_a_manual_diagnosis_with_a_fault_code_writes_a_defect_record(run, qa):
    case = diagnosing_case(days_since_purchase=100)

    run(diagnosis_record, case=case, fault_code=fault("CHG-01"), action="swap")

    record = DefectRecord.objects.get(case=case)
    assert (record.fault_code_id, record.source, record.verdict) == ("CHG-01", "hotline", "reported")
    assert record.imei == case.handset.imei and record.model == case.handset.model
    assert record.months_in_service in (4, 5)
    assert DefectWeek.objects.get(week=record.week, fault_code="CHG-01").failures == 1


def test_nothing_is_written_before_the_transaction_commits(django_capture_on_commit_callbacks):
    case = diagnosing_case()

    with django_capture_on_commit_callbacks(execute=False):
        diagnosis_record(case=case, fault_code=fault("CHG-01"), action="swap")

    assert not DefectRecord.objects.exists()
    assert OutboxMessage.objects.filter(task="hotline.tasks.audit_subscriber_call").exists()


def test_a_completed_script_run_records_its_script_and_end_node(run, operator):
    from diagnostics.services import run_answer, run_start
    from diagnostics.tests.factories import publish_sample

    case = diagnosing_case()
    version = publish_sample()
    started = run(run_start, case=case, version=version, actor=operator)

    run(run_answer, run=started, step=0, answer="swollen", actor=operator)

    record = DefectRecord.objects.get(case=case)
    assert (record.fault_code_id, record.script, record.script_version, record.end_node) == (
        "BAT-03", "sample", version.number, "o_swollen")


def test_a_no_fault_result_of_the_hotline_writes_no_defect_record(run):
    case = diagnosing_case()

    run(diagnosis_record, case=case, fault_code=fault("NFF-00"), action="advice")

    assert not DefectRecord.objects.exists()


def test_liquid_damage_is_a_customer_damage_verdict_outside_the_failure_counts(run):
    case = diagnosing_case()

    run(diagnosis_record, case=case, fault_code=fault("LIQ-01"), action="swap")

    record = DefectRecord.objects.get(case=case)
    assert record.verdict == Verdict.CUSTOMER_DAMAGE
    assert DefectWeek.objects.get(week=record.week).failures == 0


def _hotline_record(case, code="CHG-01"):
    return defect_record_apply(evidence_for_case(case, source=Source.HOTLINE, fault_code=code,
                                                 occurred_on=datetime.date.today()))


def test_any_apps_defect_evidence_updates_the_same_record_with_component_and_root_cause(run):
    case = diagnosing_case()
    _hotline_record(case, "CHG-02")

    # what a repair centre writes, without importing quality
    run(record_event, case, action="repair_finding", case=case, data={"defect": {
        "fault_code": "CHG-01", "verdict": "confirmed", "component": "USB-C port",
        "root_cause": "cold solder joint"}})

    record = DefectRecord.objects.get(case=case)
    assert DefectRecord.objects.count() == 1
    assert (record.fault_code_id, record.source, record.component, record.root_cause) == (
        "CHG-01", "repair", "USB-C port", "cold solder joint")
    assert record.reported_fault_code == "CHG-02"
    # the hook recounts the old and the new (week, model, fault code) cells of every roll-up
    counts = {cell.fault_code_id: cell.failures for cell in DefectWeek.objects.filter(
        week=record.week)}
    assert counts.get("CHG-02", 0) == 0 and counts["CHG-01"] == 1
    nff = DefectNffWeek.objects.get(week=record.week)
    assert (nff.fault_code_id, nff.reported_fault_code, nff.examined, nff.nff) == (
        "CHG-01", "CHG-02", 1, 0)


def test_weaker_evidence_arriving_later_does_not_overrule_stronger_evidence(run):
    case = diagnosing_case()
    _hotline_record(case, "CHG-01")
    run(record_event, case, action="inspected_elsewhere", case=case, data={"defect": {
        "source": "inspection", "verdict": "nff"}})

    defect_record_apply(evidence_for_case(case, source=Source.HOTLINE, fault_code="BAT-01",
                                          occurred_on=datetime.date.today()))

    record = DefectRecord.objects.get(case=case)
    assert (record.fault_code_id, record.verdict, record.source) == ("CHG-01", "nff", "inspection")
    assert DefectWeek.objects.get(week=record.week).nff == 1


def test_the_region_is_the_departement_of_the_customers_address(run):
    case = diagnosing_case()
    address = case.customer.addresses.first()
    address.postcode, address.country = "20100", "FR"
    address.save()

    record = _hotline_record(case)

    assert (record.country, record.region) == ("FR", "2A")
