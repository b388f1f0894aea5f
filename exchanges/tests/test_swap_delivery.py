"""Swap stage 3, delivery: tracking events drive the swap (idempotently), the IMEI ledger,
the measures and the wallboard."""

import datetime

import pytest

from exchanges.swaps import services as swaps_service
from exchanges.swaps.selectors import handset_chain, swap_measures
from exchanges.tests.factories import (
    fault,
)
from exchanges.tests.swapkit import advance, booked_swap, courier_says
from hotline.models import AuditEvent, Handset

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


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


def test_the_wallboard_shows_swap_promises_due_today_and_late(run, _frozen):
    from exchanges.wallboard import wallboard_figures

    booked_swap(run)
    _frozen.shift(datetime.timedelta(hours=20))

    figures = {figure.key: figure.value for figure in wallboard_figures()}

    assert (figures["promises_due_today"], figures["promises_late"]) == (1, 0)
