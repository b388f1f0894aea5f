"""Swaps in the console and the API: the case panel, the exceptions queue, exception actions,
the inspection form, the promise command."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from carriers.domain import CarrierEvent
from carriers.services import tracking_ingest
from exchanges.decisions.fulfilment import swap_request
from exchanges.models import Swap
from exchanges.tests.factories import WarehouseFactory, diagnosing_case, fault, swap_case
from exchanges.tests.swapkit import MONDAY_10AM
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


@pytest.fixture
def booked(django_capture_on_commit_callbacks):
    case, decision = swap_case()
    with django_capture_on_commit_callbacks(execute=True):
        swap = swap_request(case=case, decision=decision)
    swap.refresh_from_db()
    return swap


def fail_delivery(swap, django_capture_on_commit_callbacks):
    event = CarrierEvent(tracking_number=swap.outbound.tracking_number,
                         status="delivery_failed", reason="recipient_absent",
                         occurred_at=MONDAY_10AM + datetime.timedelta(hours=2),
                         raw_code="NH", raw_text="Recipient absent")
    with django_capture_on_commit_callbacks(execute=True):
        tracking_ingest(carrier="sandbox", events=[event], source="webhook")
    swap.refresh_from_db()


def test_the_case_page_shows_the_swap_its_promise_and_tracking(operator_client, booked):
    page = operator_client.get(reverse("console:case_detail", args=[booked.case.number]))

    html = page.content.decode()
    assert 'data-testid="swap-panel"' in html
    assert booked.outbound.tracking_number in html
    assert "8 December 2026 12:00" in html


def test_before_confirming_the_case_page_shows_stock_and_the_promise(operator_client):
    WarehouseFactory()
    case = diagnosing_case(stock=2)

    page = operator_client.get(reverse("console:case_detail", args=[case.number]))
    options = operator_client.get(reverse("exchanges:swap_options", args=[case.number]),
                                  headers={"HX-Request": "true"})

    assert reverse("exchanges:swap_options", args=[case.number]) in page.content.decode()
    html = options.content.decode()
    assert 'data-kind="like_for_like"' in html and 'data-kind="backorder"' in html
    assert "Tuesday 8 December 2026 12:00" in html


def test_the_exceptions_queue_lists_a_failed_delivery_with_the_measures(
        operator_client, booked, django_capture_on_commit_callbacks):
    fail_delivery(booked, django_capture_on_commit_callbacks)

    page = operator_client.get(reverse("exchanges:swap_queue"))

    html = page.content.decode()
    assert f'data-testid="queue-swap-{booked.pk}"' in html
    assert 'data-testid="swap-measures"' in html


def test_the_exceptions_queue_is_not_for_technicians(client, booked):
    client.force_login(UserFactory(roles=["technician"]))

    assert client.get(reverse("exchanges:swap_queue")).status_code == 403


def test_an_operator_rebooks_a_failed_delivery_to_a_pickup_point_from_the_case_page(
        operator_client, booked, django_capture_on_commit_callbacks):
    fail_delivery(booked, django_capture_on_commit_callbacks)
    prefix = f"rb{booked.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            reverse("exchanges:swap_act", args=[booked.pk, "rebook"]),
            {f"{prefix}-street": "Relais Tabac, 3 rue Cler", f"{prefix}-postcode": "75007",
             f"{prefix}-city": "Paris", f"{prefix}-recipient_name": "Relais Tabac Cler",
             f"{prefix}-reason": "pickup point chosen on the call"})

    booked.refresh_from_db()
    assert response.status_code == 302
    assert (booked.status, booked.postcode, booked.booking_attempt) == ("booked", "75007", 2)


def test_the_repair_centre_records_an_inspection_from_its_form(
        client, booked, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(roles=["qa"]))
    Swap.objects.filter(pk=booked.pk).update(status="return_received")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchanges:swap_inspect", args=[booked.pk]), {
            "received_imei": booked.case.handset.imei, "outcome": "fault_confirmed",
            "fault_code": fault("BAT-01").pk, "notes": "battery swollen"})

    booked.refresh_from_db()
    assert response.status_code == 302
    assert (booked.status, booked.inspection.outcome) == ("closed", "fault_confirmed")


def test_the_api_shows_a_case_swap_with_its_promise_and_tracking(operator, booked):
    api = APIClient()
    api.force_authenticate(operator)

    body = api.get(f"/api/v1/cases/{booked.case.number}/swaps/").json()

    assert body[0]["status"] == "booked"
    assert body[0]["promised_by"].startswith("2026-12-08T12:00:00")
    assert body[0]["outbound"]["tracking_number"] == booked.outbound.tracking_number


def test_the_api_cancels_a_swap_returned_to_sender(operator, booked,
                                                   django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(operator)
    Swap.objects.filter(pk=booked.pk).update(status="returned_to_sender")

    response = api.post(f"/api/v1/swaps/{booked.pk}/cancel/", {"reason": "customer withdrew"},
                        format="json")

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


def test_the_api_refuses_an_action_the_state_does_not_allow(operator, booked):
    api = APIClient()
    api.force_authenticate(operator)

    response = api.post(f"/api/v1/swaps/{booked.pk}/refund/", {}, format="json")

    assert response.status_code == 409


def test_the_api_gives_the_measures_and_the_promise(operator):
    WarehouseFactory()
    api = APIClient()
    api.force_authenticate(operator)

    measures = api.get("/api/v1/swaps/measures/").json()
    promise = api.get("/api/v1/swaps/promise/", {
        "warehouse": "PAR", "postcode": "75002", "country": "FR",
        "at": "2026-12-07T18:00:00+01:00"}).json()

    assert measures["on_time_share"] is None
    assert promise["deliver_by"] == "2026-12-09T12:00:00+01:00"


@pytest.mark.parametrize(("at", "deliver_by"), [
    ("2026-12-07T16:59+01:00", "2026-12-08T12:00:00+01:00"),  # before the cut-off
    ("2026-12-07T17:00+01:00", "2026-12-09T12:00:00+01:00"),  # at the cut-off
    ("2026-12-11T18:00+01:00", "2026-12-15T12:00:00+01:00"),  # Friday evening: weekend
    ("2026-12-23T18:00+01:00", "2026-12-28T12:00:00+01:00"),  # Christmas Day
], ids=["before-cutoff", "after-cutoff", "weekend", "public-holiday"])
def test_the_promise_command_prints_what_the_operator_would_see(at, deliver_by):
    WarehouseFactory()
    out = io.StringIO()

    call_command("swap_promise", "--warehouse", "PAR", "--postcode", "75002", "--country",
                 "FR", "--at", at, "--json", stdout=out)

    assert json.loads(out.getvalue())["deliver_by"] == deliver_by


def test_the_promise_command_names_the_holiday_it_skipped():
    WarehouseFactory()
    out = io.StringIO()

    call_command("swap_promise", "--warehouse", "PAR", "--postcode", "67000",
                 "--at", "2026-12-24T18:00+01:00", stdout=out)

    assert "26" in out.getvalue() and "holiday" in out.getvalue()


@pytest.mark.usefixtures("prices")
def test_a_swap_quote_states_the_unreturned_device_charge_before_the_customer_accepts(
        client, operator):
    from diagnostics.selectors import Recommendation
    from exchanges.decisions.services import decision_confirm, decision_propose
    from exchanges.models import Quote

    case = diagnosing_case(days_since_purchase=1000, stock=1)
    decision = decision_propose(case=case, actor=operator, recommendation=Recommendation(
        fault_code=fault("BAT-01"), action="swap"))
    decision_confirm(decision=decision, actor=operator)
    quote = Quote.objects.get(case=case)

    page = client.get(reverse("exchanges:quote_public", args=[quote.token]))

    assert "unreturned device charge of 199.00 EUR" in page.content.decode()


def test_the_api_lists_the_swap_options_before_confirming(operator):
    WarehouseFactory()
    case = diagnosing_case(stock=1)
    api = APIClient()
    api.force_authenticate(operator)

    body = api.get(f"/api/v1/cases/{case.number}/swaps/options/").json()

    assert [option["kind"] for option in body] == ["like_for_like", "backorder"]
    assert body[0]["promise"]["deliver_by"] == "2026-12-08T12:00:00+01:00"


def test_inspections_are_summed_by_outcome_and_fault_code_for_quality(
        operator, operator_client, booked, django_capture_on_commit_callbacks):
    from exchanges.swaps.services import swap_inspect

    Swap.objects.filter(pk=booked.pk).update(status="return_received")
    with django_capture_on_commit_callbacks(execute=True):
        swap_inspect(swap=booked, actor=operator, received_imei=booked.case.handset.imei,
                     outcome="fault_confirmed", fault_code=fault("BAT-01"))
    api = APIClient()
    api.force_authenticate(operator)

    body = api.get("/api/v1/swaps/inspections/").json()
    page = operator_client.get(reverse("exchanges:swap_queue")).content.decode()

    assert body == [{"outcome": "fault_confirmed", "fault_code": "BAT-01", "count": 1,
                     "imei_mismatches": 0}]
    assert "fault confirmed" in page


def test_the_repair_centre_sees_the_units_to_inspect(client, booked):
    client.force_login(UserFactory(roles=["qa"]))
    Swap.objects.filter(pk=booked.pk).update(status="return_received")

    page = client.get(reverse("exchanges:swap_returns")).content.decode()

    assert f'data-testid="return-swap-{booked.pk}"' in page
    assert reverse("exchanges:swap_inspect", args=[booked.pk]) in page


def test_the_exceptions_queue_filters_by_why_a_swap_is_there(
        operator_client, booked, _frozen):
    _frozen.shift(datetime.timedelta(days=2))

    late = operator_client.get(reverse("exchanges:swap_queue"), {"kind": "late"})
    lost = operator_client.get(reverse("exchanges:swap_queue"), {"kind": "lost"})

    assert f'data-testid="queue-swap-{booked.pk}"' in late.content.decode()
    assert f'data-testid="queue-swap-{booked.pk}"' not in lost.content.decode()
