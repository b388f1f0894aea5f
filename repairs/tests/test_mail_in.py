"""Mail-in repair end to end with the sandbox courier: the prepaid label and packing slip,
the unit in, the bench, the way back, and the exception paths."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from carriers.domain import CarrierEvent
from carriers.services import tracking_ingest
from exchanges.models import Swap
from exchanges.tests.factories import WarehouseFactory
from hotline.models import AuditEvent, Notification
from repairs.models import PartStock, RepairOrder, RepairStatus
from repairs.services import mail_in, orders
from repairs.tests.factories import repair_case, stocked_part

pytestmark = pytest.mark.usefixtures("fault_codes")
R = RepairStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_10AM = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen(settings, db):
    settings.TIME_ZONE = "Europe/Paris"
    WarehouseFactory()
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller


def courier_says(run, shipment, status, *, hours=1):
    event = CarrierEvent(tracking_number=shipment.tracking_number, status=status,
                         occurred_at=timezone.now() + datetime.timedelta(hours=hours),
                         raw_code=f"T-{status}", raw_text=f"courier: {status}",
                         location="Paris")
    run(tracking_ingest, carrier="sandbox", events=[event], source="webhook")


def ordered(run, **kwargs):
    case, decision = repair_case(**kwargs)
    order = run(mail_in.mail_in_create, case=case, decision=decision)
    order.refresh_from_db()
    return order


def received(run):
    order = ordered(run)
    courier_says(run, order.inbound, "delivered")
    order.refresh_from_db()
    return order


def test_a_mail_in_repair_books_a_prepaid_label_and_sends_it_with_the_packing_slip(run):
    order = ordered(run)

    assert order.status == R.AWAITING_UNIT and order.inbound is not None
    from django.core import mail

    assert order.inbound.tracking_number and order.inbound.reference == order.number
    sent = [m for m in mail.outbox if order.number in m.subject]
    assert sent and sent[0].attachments[0][0] == f"{order.number}.pdf"


def test_the_packing_slip_pdf_holds_the_slip_and_the_label(run):
    import io

    from pypdf import PdfReader

    from repairs.pdf import mail_in_pack_attachment

    order = ordered(run)

    name, content, mimetype = mail_in_pack_attachment(order_id=order.pk)

    assert name == f"{order.number}.pdf" and mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(content)).pages) == 2


def test_the_promise_counts_transit_both_ways_and_bench_days_in_working_days(run):
    order = ordered(run)

    # Monday: in transit Tuesday, bench Wed-Fri, back the next Monday.
    assert timezone.localtime(order.promised_by).date() == datetime.date(2026, 12, 14)


def test_the_courier_delivering_the_parcel_to_the_centre_receives_it(run):
    order = received(run)

    assert order.status == R.RECEIVED and order.received_at is not None
    assert Notification.objects.filter(case=order.case, template="repair_received").exists()


def test_a_repair_through_parts_and_quality_check_goes_back_and_resolves_the_case(run):
    order = received(run)
    part = stocked_part(order.model, on_hand=1)
    orders.repair_diagnose(order=order)
    orders.repair_plan(order=order, parts=[(part, 1)], component="battery",
                       root_cause="cell swelling")
    orders.repair_finish(order=order)

    run(orders.repair_check, order=order, passed=True)
    order.refresh_from_db()
    courier_says(run, order.outbound, "delivered", hours=20)

    order.refresh_from_db()
    order.case.refresh_from_db()
    assert order.status == R.DELIVERED and order.result == "repaired"
    assert order.case.status == "resolved"
    assert order.turnaround_seconds > 0 and order.first_time_fix is True
    assert PartStock.objects.get(part=part).on_hand == 0
    assert AuditEvent.objects.filter(object_id=str(order.pk), action="repair_findings").exists()


def test_a_repair_short_of_parts_waits_then_starts_when_they_are_received(run):
    from repairs.services import parts as parts_service
    from repairs.tests.factories import LocationFactory

    order = received(run)
    part = stocked_part(order.model, on_hand=0)
    orders.repair_diagnose(order=order)

    orders.repair_plan(order=order, parts=[(part, 1)], component="display")
    order.refresh_from_db()
    assert order.status == R.WAITING_PARTS
    ready = parts_service.parts_receive(part=part, location=LocationFactory(), quantity=1)
    orders.repair_parts_arrived(order=ready[0])

    order.refresh_from_db()
    assert order.status == R.REPAIRING


def test_no_fault_found_is_recorded_and_the_unit_returned_as_is(run):
    order = received(run)
    orders.repair_diagnose(order=order)

    orders.repair_no_fault(order=order, notes="48 h battery test passed")
    run(orders.repair_check, order=order, passed=True)

    order.refresh_from_db()
    assert order.status == R.SHIPPED_BACK and order.result == "nff"


def test_beyond_economic_repair_orders_a_swap_instead(run):
    from exchanges.tests.factories import StockUnitFactory

    order = received(run)
    StockUnitFactory(model=order.model)
    orders.repair_diagnose(order=order)

    run(mail_in.mail_in_replace, order=order, reason="board corroded")

    order.refresh_from_db()
    assert order.status == R.REPLACED and order.result == "ber"
    assert Swap.objects.filter(case=order.case).exists()


def test_customer_damage_waits_for_written_consent_to_a_quote(run):
    from hotline.errors import CaseError

    order = received(run)
    part = stocked_part(order.model, on_hand=1)
    orders.repair_diagnose(order=order)
    run(orders.repair_damage_found, order=order, notes="cracked back glass",
        component="back glass", amount="59.00")
    order.refresh_from_db()

    with pytest.raises(CaseError):
        orders.repair_plan(order=order, parts=[(part, 1)], component="back glass")
    mail_in.repair_consent(order=order, accepted=True, signed_by="Camille Dupont")
    orders.repair_plan(order=order, parts=[(part, 1)], component="back glass")

    order.refresh_from_db()
    assert order.status == R.REPAIRING and order.quote.status == "accepted"
    assert Notification.objects.filter(case=order.case, template="quote").exists()


def test_a_declined_damage_quote_returns_the_unit_unrepaired(run):
    order = received(run)
    orders.repair_diagnose(order=order)
    run(orders.repair_damage_found, order=order, notes="liquid", component="board",
        amount="120")

    run(mail_in.repair_consent, order=order, accepted=False)

    order.refresh_from_db()
    assert order.status == R.SHIPPED_BACK and order.result == "declined"


def test_a_unit_never_sent_is_reminded_twice_then_cancelled(run, _frozen):
    order = ordered(run)

    _frozen.shift(datetime.timedelta(days=6))
    first = run(mail_in.mail_in_remind)
    _frozen.shift(datetime.timedelta(days=5))
    second = run(mail_in.mail_in_remind)
    _frozen.shift(datetime.timedelta(days=5))
    last = run(mail_in.mail_in_remind)

    order.refresh_from_db()
    order.case.refresh_from_db()
    assert (first["reminded"], second["reminded"], last["cancelled"]) == (1, 1, 1)
    assert order.status == R.CANCELLED and order.case.status == "resolved"


def test_a_parcel_lost_on_its_way_back_can_be_replaced_by_a_swap(run):
    from exchanges.tests.factories import StockUnitFactory

    order = received(run)
    StockUnitFactory(model=order.model)
    orders.repair_diagnose(order=order)
    orders.repair_no_fault(order=order, notes="tested")
    run(orders.repair_check, order=order, passed=True)
    order.refresh_from_db()

    courier_says(run, order.outbound, "lost", hours=10)
    order.refresh_from_db()
    assert order.status == R.LOST
    run(mail_in.mail_in_replace, order=order, reason="lost by the courier")

    order.refresh_from_db()
    assert order.status == R.REPLACED


def test_a_repeated_tracking_event_is_applied_once(run):
    order = ordered(run)
    event = CarrierEvent(tracking_number=order.inbound.tracking_number, status="delivered",
                         occurred_at=timezone.now(), raw_code="T", raw_text="delivered",
                         location="Paris")

    run(tracking_ingest, carrier="sandbox", events=[event], source="webhook")
    run(tracking_ingest, carrier="sandbox", events=[event], source="webhook")

    assert AuditEvent.objects.filter(object_id=str(order.pk), action="receive").count() == 1


def test_a_returned_swap_unit_is_repaired_and_goes_back_to_stock_as_refurbished(run):
    from repairs.tests.factories import fault, returned_unit

    unit = returned_unit()
    order = orders.repair_from_returned_unit(unit=unit, fault_code=fault(), notes="no charge")
    orders.repair_diagnose(order=order)
    orders.repair_plan(order=order, component="charging port")
    orders.repair_finish(order=order)

    orders.repair_check(order=order, passed=True)

    unit.refresh_from_db()
    order.refresh_from_db()
    assert (unit.status, unit.grade) == ("available", "refurbished")
    assert order.status == R.CLOSED
    assert AuditEvent.objects.filter(object_id=str(unit.pk), action="unit_refurbished").exists()


def test_an_unrepairable_swap_unit_is_retired_with_its_reason():
    from exchanges.models import ReplacementUnit
    from repairs.tests.factories import fault, returned_unit

    unit = returned_unit()
    order = orders.repair_from_returned_unit(unit=unit, fault_code=fault())

    orders.repair_retire(order=order, reason="board cracked")

    unit.refresh_from_db()
    assert unit.status == "retired"
    assert RepairOrder.objects.get(pk=order.pk).end_reason == "board cracked"
    assert ReplacementUnit.objects.filter(pk=unit.pk, status="retired").exists()


def test_the_repairs_findings_are_defect_evidence_about_the_case(run):
    order = received(run)
    orders.repair_diagnose(order=order)
    orders.repair_plan(order=order, component="battery", root_cause="cell swelling")

    orders.repair_finish(order=order)

    event = AuditEvent.objects.get(object_id=str(order.pk), action="repair_findings")
    assert event.case == order.case
    assert event.data["defect"] == {"verdict": "confirmed", "source": "repair",
                                    "component": "battery", "root_cause": "cell swelling",
                                    "fault_code": "BAT-01"}


def test_a_returned_units_findings_go_to_the_case_whose_swap_brought_it_back(run):
    from exchanges.models import SwapInspection
    from exchanges.tests.factories import swap_case
    from repairs.tests.factories import fault, returned_unit

    case, decision = swap_case()
    unit = returned_unit(model=case.handset.model)
    swap = Swap.objects.create(case=case, decision=decision, fault_code=fault(),
                               model=case.handset.model, status="closed", street="1 rue",
                               postcode="75002", city="Paris", country="FR")
    SwapInspection.objects.create(swap=swap, received_imei=unit.imei, imei_matches=True,
                                  outcome="fault_confirmed", fault_code=fault(), unit=unit)
    order = orders.repair_from_returned_unit(unit=unit, fault_code=fault())

    orders.repair_retire(order=order, reason="board cracked")

    event = AuditEvent.objects.get(object_id=str(order.pk), action="repair_findings")
    assert event.case == case and event.data["defect"]["verdict"] == "confirmed"


def delivered(run):
    order = received(run)
    part = stocked_part(order.model, on_hand=1)
    orders.repair_diagnose(order=order)
    orders.repair_plan(order=order, parts=[(part, 1)], component="battery",
                       root_cause="cell swelling")
    orders.repair_finish(order=order)
    run(orders.repair_check, order=order, passed=True)
    order.refresh_from_db()
    courier_says(run, order.outbound, "delivered", hours=20)
    order.refresh_from_db()
    return order


def test_a_delivered_repair_closes_by_itself_once_the_follow_up_window_is_over(run, _frozen,
                                                                               settings):
    from repairs.tasks import repairs_daily

    settings.HOTLINE_CASE_FOLLOW_UP_DAYS = 7
    order = delivered(run)
    assert order.status == R.DELIVERED

    _frozen.move_to(order.finished_at + datetime.timedelta(days=6))
    early = repairs_daily()
    still = RepairOrder.objects.get(pk=order.pk).status
    _frozen.move_to(order.finished_at + datetime.timedelta(days=7, minutes=1))
    done = repairs_daily()

    assert (early["repairs_closed"], still) == (0, R.DELIVERED)
    assert done["repairs_closed"] == 1
    assert RepairOrder.objects.get(pk=order.pk).status == R.CLOSED
    assert AuditEvent.objects.filter(object_id=str(order.pk), action="close",
                                     actor_label="scheduler").exists()
