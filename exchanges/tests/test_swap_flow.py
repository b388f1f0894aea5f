"""Home swaps end to end with the sandbox courier and simulated time: reservation, promise,
booking through the outbox, tracking, exceptions, the returned unit and the IMEI ledger."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from carriers.domain import CarrierError, CarrierEvent
from carriers.models import Shipment
from carriers.services import sandbox_advance, tracking_ingest
from exchanges.decisions.fulfilment import swap_request
from exchanges.models import ReplacementUnit, Swap, SwapInspection
from exchanges.swaps import services as swaps_service
from exchanges.swaps.selectors import handset_chain, swap_measures, swaps_exceptions
from exchanges.tests.factories import (
    StockUnitFactory,
    WarehouseFactory,
    fault,
    swap_case,
    unit_imei,
)
from hotline.models import AuditEvent, Handset, Notification, OutboxMessage

pytestmark = pytest.mark.usefixtures("fault_codes")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_10AM = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a callable and the after-commit effects it queued (outbox tasks, notifications)."""
    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return runner


def booked_swap(run, **kwargs):
    case, decision = swap_case(**kwargs)
    swap = run(swap_request, case=case, decision=decision)
    swap.refresh_from_db()
    return swap


def advance(run, traveller, hours):
    traveller.shift(datetime.timedelta(hours=hours))
    from django.utils import timezone

    run(sandbox_advance, until=timezone.now())


def courier_says(run, shipment, status, *, hours=1, reason="", location="Depot Paris Nord"):
    from django.utils import timezone

    event = CarrierEvent(tracking_number=shipment.tracking_number, status=status,
                         occurred_at=timezone.now() + datetime.timedelta(hours=hours),
                         raw_code=f"T-{status}", raw_text=f"courier: {status}",
                         location=location, reason=reason)
    run(tracking_ingest, carrier="sandbox", events=[event], source="webhook")


# --- reservation and promise -----------------------------------------------------------------
def test_a_swap_request_reserves_a_like_for_like_unit_promises_and_books_the_courier(run):
    swap = booked_swap(run)

    assert swap.status == "booked"
    assert swap.unit.status == "shipped"
    assert swap.promised_by == datetime.datetime(2026, 12, 8, 12, 0, tzinfo=PARIS)
    assert swap.outbound.tracking_number and swap.collection.tracking_number
    assert swap.outbound.visit_partner_id == swap.collection.pk


def test_the_customer_is_sent_the_promise_the_charge_terms_and_the_tracking_link(run):
    swap = booked_swap(run)

    templates = set(Notification.objects.filter(case=swap.case).values_list("template", flat=True))
    booked = Notification.objects.filter(case=swap.case, template="swap_booked").first()
    assert {"swap_promised", "swap_booked"} <= templates
    assert swap.outbound.tracking_number in booked.context["tracking_url"]
    assert Notification.objects.get(case=swap.case, template="swap_promised",
                                    channel="email").context["charge"] == "199.00"


def test_the_last_unit_goes_to_one_swap_and_the_next_is_backordered_with_a_date(run):
    first = booked_swap(run)
    unit = first.unit
    case, decision = swap_case(stock=0, variant=unit.variant)
    case.handset.model = unit.model
    case.handset.save()

    second = run(swap_request, case=case, decision=decision)

    second.refresh_from_db()
    assert second.status == "backordered"
    assert second.unit is None
    assert second.backorder_until == datetime.date(2026, 12, 14)


def test_the_database_refuses_one_unit_for_two_swaps(run):
    first = booked_swap(run)
    case, decision = swap_case(stock=0)
    other = Swap.objects.create(case=case, decision=decision, fault_code=decision.fault_code,
                                model=first.model, street="1 rue", postcode="75002",
                                city="Paris", country="FR")

    with pytest.raises(IntegrityError), transaction.atomic():
        Swap.objects.filter(pk=other.pk).update(unit=first.unit)


def test_a_backordered_swap_is_reserved_and_booked_when_stock_comes_back(run):
    case, decision = swap_case(stock=0)
    swap = run(swap_request, case=case, decision=decision)
    StockUnitFactory(model=case.handset.model, variant=case.handset.variant)

    assert run(swaps_service.swaps_restock) == 1

    swap.refresh_from_db()
    assert swap.status == "booked"


def test_the_operator_sees_another_warehouse_a_variant_a_backorder_and_a_visit(run):
    from exchanges.tests.factories import TechnicianFactory
    from hotline.tests.factories import ModelVariantFactory

    case, decision = swap_case(stock=0)
    lyon = WarehouseFactory(code="LYS", name="Lyon", postcode="69007", city="Lyon",
                            transit_days=2)
    StockUnitFactory(model=case.handset.model, variant=case.handset.variant, warehouse=lyon)
    StockUnitFactory(model=case.handset.model, variant=ModelVariantFactory(
        model=case.handset.model, colour="blue"))
    TechnicianFactory(postcode_prefixes=["75"])

    options = swaps_service.swap_stock_options(
        model=case.handset.model, variant=case.handset.variant, postcode="75002", country="FR")

    kinds = [option.kind for option in options]
    assert kinds == ["like_for_like", "equivalent_variant", "backorder", "visit"]
    assert options[0].warehouse.code == "LYS"
    assert options[0].promise.deliver_by.date() == datetime.date(2026, 12, 9)
    assert options[1].needs_consent


def test_an_equivalent_variant_is_reserved_only_with_the_consent_recorded(run, operator):
    from exchanges.errors import SwapError
    from exchanges.swaps.services import swap_choose_variant
    from hotline.tests.factories import ModelVariantFactory

    case, decision = swap_case(stock=0)
    swap = run(swap_request, case=case, decision=decision)
    blue = ModelVariantFactory(model=case.handset.model, colour="blue")
    StockUnitFactory(model=case.handset.model, variant=blue)
    with pytest.raises(SwapError):
        swap_choose_variant(swap=swap, variant=blue, actor=operator, consent_note=" ")

    swap = run(swap_choose_variant, swap=swap, variant=blue, actor=operator,
               consent_note="Customer agreed on the phone to blue")

    swap.refresh_from_db()
    assert (swap.status, swap.variant) == ("booked", blue)
    assert AuditEvent.objects.filter(action="swap_variant_consented", case=case).exists()


# --- happy path with the sandbox courier -------------------------------------------------------
def test_the_happy_path_delivers_collects_inspects_closes_and_resolves_the_case(
        run, _frozen, operator):
    swap = booked_swap(run)

    advance(run, _frozen, 24)
    swap.refresh_from_db()
    assert swap.status == "return_in_transit"  # delivered, the faulty unit collected
    assert swap.on_time is True
    advance(run, _frozen, 30)
    swap.refresh_from_db()
    assert swap.status == "return_received"

    run(swaps_service.swap_inspect, swap=swap, actor=operator,
        received_imei=swap.case.handset.imei, outcome="fault_confirmed",
        fault_code=fault("BAT-01"))

    swap.refresh_from_db()
    swap.case.refresh_from_db()
    assert (swap.status, swap.case.status) == ("closed", "resolved")
    assert swap.inspection.unit.status == "returned"


def test_delivery_makes_the_replacement_the_customers_handset_with_the_original_warranty(
        run, _frozen):
    swap = booked_swap(run)
    original = swap.case.handset

    advance(run, _frozen, 24)

    swap.refresh_from_db()
    replacement = Handset.objects.get(imei=swap.unit.imei)
    assert replacement.owner == swap.case.customer
    assert replacement.warranty_end == original.warranty_end
    assert swap.replacement_handset == replacement
    assert [(o, r) for _s, o, r in handset_chain(handset=replacement)] == [(original, replacement)]


def test_measures_count_a_delivery_by_the_promise_as_on_time_and_within_24_hours(run, _frozen):
    booked_swap(run)

    advance(run, _frozen, 24)

    measures = swap_measures()
    assert (measures["delivered"], measures["on_time_share"], measures["within_24h_share"]) == (
        1, 1.0, 1.0)


# --- exceptions --------------------------------------------------------------------------------
def test_a_failed_delivery_enters_the_queue_and_is_rebooked_to_another_address(run, operator):
    swap = booked_swap(run)
    first = swap.outbound
    courier_says(run, first, "delivery_failed", reason="recipient_absent")
    swap.refresh_from_db()
    assert swap.status == "delivery_failed"
    assert swap in swaps_exceptions()

    run(swaps_service.swap_book, swap=swap, actor=operator, reason="customer at work",
        recipient={"street": "5 avenue du Travail", "postcode": "92100",
                   "city": "Boulogne", "recipient_phone": "+33612345678"})

    swap.refresh_from_db()
    assert (swap.status, swap.booking_attempt, swap.postcode) == ("booked", 2, "92100")
    assert swap.outbound != first
    assert swap.outbound.recipient["phone"] == "+33612345678"


def test_a_parcel_held_at_a_depot_tells_the_customer_where_until_when_and_reminds(
        run, _frozen, settings):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot", location="Relais Gare du Nord")
    swap.refresh_from_db()
    assert swap.status == "held_at_depot"
    held = Notification.objects.get(case=swap.case, template="swap_held", channel="email")
    assert held.context["location"] == "Relais Gare du Nord"

    _frozen.shift(datetime.timedelta(days=settings.SWAP_DEPOT_HOLD_DAYS - 1))
    counts = run(swaps_service.swaps_remind)

    assert counts["hold_reminders"] == 1
    assert Notification.objects.filter(case=swap.case, template="swap_held_reminder").exists()


def test_a_parcel_returned_to_sender_can_be_cancelled_with_the_unit_back_in_stock(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "returned_to_sender")
    swap.refresh_from_db()
    unit = swap.unit

    run(swaps_service.swap_cancel, swap=swap, actor=operator, reason="customer withdrew")

    swap.refresh_from_db()
    unit.refresh_from_db()
    assert (swap.status, swap.unit, unit.status) == ("cancelled", None, "available")


def test_a_lost_parcel_is_reshipped_at_once_with_another_unit(run, operator):
    swap = booked_swap(run, stock=2)
    lost_unit = swap.unit
    courier_says(run, swap.outbound, "lost")
    swap.refresh_from_db()
    assert swap.status == "lost"

    run(swaps_service.swap_reship, swap=swap, actor=operator)

    swap.refresh_from_db()
    lost_unit.refresh_from_db()
    assert swap.status == "booked"
    assert swap.unit != lost_unit
    assert lost_unit.status == "lost"


def test_a_lost_parcel_is_refunded_when_the_customer_chooses_it(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "lost")
    swap.refresh_from_db()

    run(swaps_service.swap_refund, swap=swap, actor=operator, reason="customer's choice")

    swap.refresh_from_db()
    assert swap.status == "closed" and swap.refunded_at is not None
    assert swap.case.status == "resolved"


def test_a_swap_not_delivered_by_its_promise_is_late_in_the_queue(run, _frozen):
    swap = booked_swap(run)

    _frozen.shift(datetime.timedelta(days=2))

    assert list(swaps_exceptions()) == [swap]
    assert swap_measures()["late"] == 1


def test_a_faulty_unit_not_returned_gets_reminders_then_the_stated_charge(
        run, _frozen, settings):
    settings.SWAP_REMINDER_DAYS = [3, 7]
    settings.SWAP_CHARGE_AFTER_DAYS = 10
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    sent = []

    for day in (3, 4, 7, 10):
        _frozen.move_to(MONDAY_10AM + datetime.timedelta(days=day, hours=2))
        run(swaps_service.swaps_remind)
        swap.refresh_from_db()
        sent.append((swap.status, swap.reminders_sent))

    assert sent == [("faulty_not_returned", 1), ("faulty_not_returned", 1),
                    ("faulty_not_returned", 2), ("closed", 2)]
    assert swap.charge_amount == Decimal("199.00")
    assert Notification.objects.filter(case=swap.case, template="swap_charged").exists()


def test_no_charge_is_made_when_the_confirmation_never_stated_it(run, _frozen, settings):
    settings.SWAP_RETURN_GRACE_DAYS = 1
    settings.SWAP_REMINDER_DAYS = [1]
    settings.SWAP_CHARGE_AFTER_DAYS = 2
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    Swap.objects.filter(pk=swap.pk).update(unreturned_charge=None)

    for day in (1, 2, 3):
        _frozen.move_to(MONDAY_10AM + datetime.timedelta(days=day, hours=5))
        run(swaps_service.swaps_remind)

    swap.refresh_from_db()
    assert swap.status == "faulty_not_returned"
    assert AuditEvent.objects.filter(action="swap_charge_refused", case=swap.case).exists()


# --- tracking is idempotent ----------------------------------------------------------------------
def test_an_event_that_does_not_apply_is_recorded_and_never_raises(run):
    swap = booked_swap(run)
    courier_says(run, swap.collection, "delivered")

    swap.refresh_from_db()
    assert swap.status == "booked"
    assert AuditEvent.objects.filter(action="tracking_event_not_applied", case=swap.case).exists()


def test_a_repeated_notification_of_one_event_applies_once(run):
    from carriers.models import TrackingEvent
    from exchanges.swaps.subscriber import on_shipment_event

    swap = booked_swap(run)
    courier_says(run, swap.outbound, "in_transit")
    event = TrackingEvent.objects.filter(shipment=swap.outbound, status="in_transit").get()

    on_shipment_event(swap.outbound, event)

    assert AuditEvent.objects.filter(case=swap.case, action="ship").count() == 1
    assert not AuditEvent.objects.filter(action="tracking_event_not_applied").exists()


# --- booking through the outbox ------------------------------------------------------------------
def test_a_booking_while_the_broker_is_down_waits_and_is_made_exactly_once(
        run, _frozen, monkeypatch):
    from hotline.celery import app as celery_app
    from hotline.outbox import outbox_relay

    task = celery_app.tasks["exchanges.tasks.swap_book"]
    real = task.apply_async

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(task, "apply_async", broker_down)
    swap = booked_swap(run)
    assert swap.status == "reserved"
    monkeypatch.setattr(task, "apply_async", real)
    _frozen.shift(datetime.timedelta(minutes=11))

    run(outbox_relay)
    run(outbox_relay)

    swap.refresh_from_db()
    assert swap.status == "booked"
    assert Shipment.objects.filter(reference=swap.case.number).count() == 2
    assert OutboxMessage.objects.filter(idempotency_key=f"swap-book-{swap.pk}-1").count() == 1


def test_a_booking_while_the_courier_is_down_is_retried_with_the_same_key(run, monkeypatch):
    from carriers.sandbox import SandboxCarrier

    real, calls = SandboxCarrier.book, []

    def flaky(self, request):
        calls.append(request.idempotency_key)
        if len(calls) == 1:
            raise CarrierError("courier timeout", permanent=False)
        return real(self, request)

    monkeypatch.setattr(SandboxCarrier, "book", flaky)

    swap = booked_swap(run)

    assert swap.status == "booked"
    assert calls == [f"swap-book-{swap.pk}-1"] * 2


def test_a_booking_the_courier_refuses_stays_in_the_queue_with_its_message(run, monkeypatch):
    from carriers.sandbox import SandboxCarrier

    def refuse(self, request):
        raise CarrierError("Postcode 75002 unknown", permanent=True)

    monkeypatch.setattr(SandboxCarrier, "book", refuse)

    swap = booked_swap(run)

    assert swap.status == "reserved"
    assert swap.booking_error == "Postcode 75002 unknown"
    assert swap in swaps_exceptions()


def test_repeating_a_booking_message_books_nothing_more(run):
    swap = booked_swap(run)

    swaps_service.swap_book_run(swap_id=swap.pk, attempt=1)

    assert Shipment.objects.filter(reference=swap.case.number).count() == 2


# --- the returned unit ----------------------------------------------------------------------------
def test_a_returned_unit_with_another_imei_is_flagged_and_quarantined(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    courier_says(run, swap.collection, "delivered", hours=30)
    stranger = unit_imei(swap.model)

    inspection = run(swaps_service.swap_inspect, swap=swap, actor=operator,
                     received_imei=stranger, outcome="no_fault_found")

    assert inspection.imei_matches is False
    assert inspection.unit.status == "quarantined"
    assert AuditEvent.objects.filter(action="returned_imei_mismatch", case=swap.case).exists()


def test_a_confirmed_fault_needs_its_fault_code(run, operator):
    from exchanges.errors import SwapError

    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    courier_says(run, swap.collection, "delivered", hours=30)

    with pytest.raises(SwapError):
        swaps_service.swap_inspect(swap=swap, actor=operator,
                                   received_imei=swap.case.handset.imei,
                                   outcome="fault_confirmed")
    assert not SwapInspection.objects.exists()


def test_cancelling_the_case_cancels_its_reserved_swap_and_frees_the_unit(run, supervisor,
                                                                         monkeypatch):
    from carriers.sandbox import SandboxCarrier
    from hotline.services import case_cancel

    monkeypatch.setattr(SandboxCarrier, "book", lambda self, request: (_ for _ in ()).throw(
        CarrierError("down", permanent=True)))
    swap = booked_swap(run)

    run(case_cancel, case=swap.case, reason="customer found the old phone", actor=supervisor)

    swap.refresh_from_db()
    assert swap.status == "cancelled"
    assert ReplacementUnit.objects.get().status == "available"


def test_a_courier_down_through_every_retry_leaves_the_swap_in_the_queue(run, monkeypatch):
    from carriers.sandbox import SandboxCarrier

    def down(self, request):
        raise CarrierError("courier timeout", permanent=False)

    monkeypatch.setattr(SandboxCarrier, "book", down)

    swap = booked_swap(run)

    assert swap.status == "reserved"
    assert "courier timeout" in swap.booking_error
    assert swap in swaps_exceptions()


def test_the_customer_page_shows_which_handset_replaced_which(run, _frozen, operator_client):
    from django.urls import reverse

    swap = booked_swap(run)
    advance(run, _frozen, 24)
    swap.refresh_from_db()

    page = operator_client.get(reverse("console:customer_detail", args=[swap.case.customer.pk]))

    html = page.content.decode()
    assert 'data-testid="customer-imei-ledger"' in html
    assert f"{swap.case.handset.imei} → <strong>{swap.unit.imei}</strong>" in html


def test_the_api_gives_the_imei_ledger_of_a_replacement(run, _frozen, operator):
    from rest_framework.test import APIClient

    swap = booked_swap(run)
    advance(run, _frozen, 24)
    api = APIClient()
    api.force_authenticate(operator)

    body = api.get(f"/api/v1/handsets/{swap.unit.imei}/ledger/").json()

    assert body == [{"swap": swap.pk, "case": swap.case.number,
                     "original_imei": swap.case.handset.imei, "replacement_imei": swap.unit.imei,
                     "warranty_end": swap.case.handset.warranty_end.isoformat()}]


def test_a_french_customer_is_told_the_promise_in_french(run, _frozen):
    from hotline.notifications import notification_render

    case, decision = swap_case()
    case.customer.language = "fr"
    case.customer.save()

    run(swap_request, case=case, decision=decision)

    sms = Notification.objects.get(case=case, template="swap_promised", channel="sms")
    assert "remplacement réservé" in notification_render(notification=sms)["body"]


def test_the_wallboard_shows_swap_promises_due_today_and_late(run, _frozen):
    from exchanges.wallboard import wallboard_figures

    booked_swap(run)
    _frozen.shift(datetime.timedelta(hours=20))

    figures = {figure.key: figure.value for figure in wallboard_figures()}

    assert (figures["promises_due_today"], figures["promises_late"]) == (1, 0)


def test_the_address_changed_before_pickup_rebooks_the_same_visit_elsewhere(run, operator):
    swap = booked_swap(run)
    first = swap.outbound

    run(swaps_service.swap_book, swap=swap, actor=operator, reason="customer at the office",
        recipient={"street": "1 place de la Défense", "postcode": "92400", "city": "Courbevoie",
                   "access_notes": "Reception, 3rd floor", "recipient_phone": "+33611223344"})

    swap.refresh_from_db()
    first.refresh_from_db()
    assert (swap.status, swap.postcode, swap.booking_attempt) == ("booked", "92400", 2)
    assert swap.outbound.recipient["notes"] == "Reception, 3rd floor"
    assert first.status == "cancelled"


def test_a_faulty_unit_not_handed_over_is_collected_alone_and_its_return_tracked(
        run, _frozen, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    courier_says(run, swap.collection, "exception", hours=2)
    _frozen.shift(datetime.timedelta(days=4))
    run(swaps_service.swaps_remind)
    swap.refresh_from_db()
    assert swap.status == "faulty_not_returned"
    first = swap.collection

    run(swaps_service.swap_collection_book, swap=swap, actor=operator)
    run(swaps_service.swap_collection_book, swap=swap, actor=operator)  # a double click
    swap.refresh_from_db()
    courier_says(run, swap.collection, "picked_up")

    swap.refresh_from_db()
    assert swap.collection != first
    assert swap.status == "return_in_transit"
    assert Shipment.objects.filter(booking_key__startswith=f"swap-return-{swap.pk}-").count() == 1


def test_a_case_whose_replacement_is_with_the_courier_is_not_cancelled(run, supervisor):
    from exchanges.errors import SwapError
    from hotline.services import case_cancel

    swap = booked_swap(run)

    with pytest.raises(SwapError, match="already"):
        case_cancel(case=swap.case, reason="changed mind", actor=supervisor)

    swap.case.refresh_from_db()
    assert swap.case.status == "in_service"


def test_a_depot_hold_is_reminded_once_however_often_the_beat_runs(run, _frozen, settings):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot")
    _frozen.shift(datetime.timedelta(days=settings.SWAP_DEPOT_HOLD_DAYS - 1))

    run(swaps_service.swaps_remind)
    run(swaps_service.swaps_remind)

    assert Notification.objects.filter(case=swap.case, template="swap_held_reminder",
                                       channel="sms").count() == 1


def test_a_hold_that_ends_sends_the_parcel_back_and_the_swap_waits_for_a_decision(run, _frozen):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "held_at_depot")

    courier_says(run, swap.outbound, "returned_to_sender", hours=24 * 8)

    swap.refresh_from_db()
    assert swap.status == "returned_to_sender"
    assert swap.unit.status == "reserved"
    assert swap in swaps_exceptions()


def test_a_backordered_swap_stays_backordered_while_there_is_no_stock(run):
    case, decision = swap_case(stock=0)
    swap = run(swap_request, case=case, decision=decision)

    assert run(swaps_service.swaps_restock) == 0

    swap.refresh_from_db()
    assert swap.status == "backordered"


def test_an_earlier_replacement_coming_back_goes_to_repair_stock(run, operator):
    swap = booked_swap(run)
    courier_says(run, swap.outbound, "delivered")
    courier_says(run, swap.collection, "delivered", hours=30)
    known = StockUnitFactory(model=swap.model, status="shipped", imei=swap.case.handset.imei)

    inspection = run(swaps_service.swap_inspect, swap=swap, actor=operator,
                     received_imei=swap.case.handset.imei, outcome="no_fault_found")

    known.refresh_from_db()
    assert inspection.unit == known
    assert known.status == "returned"


def test_the_customer_gets_the_carriers_own_tracking_page_never_a_made_up_link(settings):
    from carriers.models import Shipment
    from exchanges.swaps.services import tracking_url

    settings.SWAP_TRACKING_URL = ""
    dhl = Shipment(carrier="mydhl", tracking_number="1234567890")
    sandbox = Shipment(carrier="sandbox", tracking_number="HS1234567890")
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier", "carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {}, "mydhl": {
        "base_url": "http://127.0.0.1:9", "api_key": "k", "api_secret": "s", "account": "1"}}

    assert tracking_url(dhl).startswith("https://www.dhl.com/")
    assert "1234567890" in tracking_url(dhl)
    assert tracking_url(sandbox) == "Sandbox courier HS1234567890"


def test_a_configured_tracking_page_is_used_for_every_carrier(settings):
    from carriers.models import Shipment
    from exchanges.swaps.services import tracking_url

    settings.SWAP_TRACKING_URL = "https://track.example.com/{carrier}/{tracking_number}"

    assert tracking_url(Shipment(carrier="sandbox", tracking_number="HS1")) == (
        "https://track.example.com/sandbox/HS1")
