"""The action tables: what the swap and visit tables offer in each state and to which role, and
that the console and the API run the same entries."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from exchanges.models import Swap, Visit
from exchanges.swaps.actions import SWAP_ACTIONS
from exchanges.tests.factories import (
    StockUnitFactory,
    SwapFactory,
    VisitFactory,
    WarehouseFactory,
)
from exchanges.visits.actions import VISIT_ACTIONS
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("status", "with_unit", "offered"), [
    ("requested", False, {"reserve", "variant", "cancel"}),
    ("backordered", False, {"reserve", "variant", "cancel"}),
    ("booked", True, {"rebook"}),
    ("delivery_failed", True, {"rebook"}),
    ("returned_to_sender", True, {"rebook", "cancel"}),
    ("lost", True, {"rebook", "reship", "refund"}),
    ("delivered", True, {"collect", "receive"}),
    ("faulty_not_returned", True, {"collect", "receive"}),
    ("return_received", True, {"inspect"}),
    ("closed", True, set()),
])
def test_the_swap_table_offers_what_the_state_allows(operator, status, with_unit, offered):
    unit = StockUnitFactory() if with_unit else None
    swap = SwapFactory(status=status, unit=unit)

    assert SWAP_ACTIONS.available_names(swap, operator) == offered


def test_the_repair_centre_is_offered_the_inspection_only():
    qa = UserFactory(roles=["qa"])

    assert SWAP_ACTIONS.available_names(SwapFactory(status="return_received"), qa) == {"inspect"}
    assert SWAP_ACTIONS.available_names(SwapFactory(status="lost", unit=StockUnitFactory()),
                                        qa) == set()


def test_the_api_reserves_a_backordered_swap_in_the_warehouse_named(operator):
    warehouse = WarehouseFactory(code="LYS", name="Lyon")
    swap = SwapFactory(status="backordered")
    StockUnitFactory(model=swap.model, variant=None, warehouse=warehouse)

    response = api_for(operator).post(f"/api/v1/swaps/{swap.pk}/reserve/",
                                      {"warehouse": "LYS"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["warehouse"]) == ("reserved", "LYS")


def test_the_api_refuses_a_warehouse_it_does_not_know_naming_the_field(operator):
    swap = SwapFactory(status="backordered")

    response = api_for(operator).post(f"/api/v1/swaps/{swap.pk}/reserve/",
                                      {"warehouse": "NOPE"}, format="json")

    assert response.status_code == 400
    assert "warehouse" in response.json()


def test_the_repair_centre_inspects_through_the_api_but_may_not_cancel(fault_codes):
    qa = api_for(UserFactory(roles=["qa"]))
    swap = SwapFactory(status="return_received")

    refused = qa.post(f"/api/v1/swaps/{swap.pk}/cancel/", {"reason": "no"}, format="json")
    inspected = qa.post(f"/api/v1/swaps/{swap.pk}/inspect/", {
        "received_imei": swap.case.handset.imei, "outcome": "fault_confirmed",
        "fault_code": "BAT-01"}, format="json")

    assert refused.status_code == 403
    assert (inspected.status_code, inspected.json()["status"]) == (200, "closed")


def test_an_unknown_action_names_the_known_ones(operator):
    swap = SwapFactory(status="booked")

    response = api_for(operator).post(f"/api/v1/swaps/{swap.pk}/teleport/", {}, format="json")

    assert response.status_code == 422
    assert "rebook" in response.json()["detail"] and "inspect" in response.json()["detail"]


def test_the_case_panel_offers_a_lost_parcels_actions_and_no_cancel(operator_client):
    swap = SwapFactory(status="lost", unit=StockUnitFactory())

    html = operator_client.get(reverse("console:case_detail", args=[swap.case.number])
                               ).content.decode()

    assert 'data-testid="swap-reship"' in html and 'data-testid="swap-refund"' in html
    assert 'data-testid="swap-cancel"' not in html


def test_a_console_refund_writes_the_swap_and_its_audit_row(operator_client):
    swap = SwapFactory(status="lost", unit=StockUnitFactory())

    operator_client.post(reverse("exchanges:swap_act", args=[swap.pk, "refund"]),
                         {"reason": "customer chose a refund"})

    swap.refresh_from_db()
    assert swap.status == "closed"
    assert swap.case.audit_events.filter(action="refund", reason="customer chose a refund").exists()


@pytest.mark.parametrize(("status", "offered"), [
    ("requested", {"book", "switch_to_swap"}),
    ("scheduled", {"start_route"}),
    ("en_route", {"arrive"}),
    ("on_site", {"complete", "escalate", "no_access"}),
    ("no_access", {"book", "switch_to_swap"}),
    ("completed", set()),
])
def test_the_visit_table_offers_what_the_state_allows(operator, status, offered):
    assert VISIT_ACTIONS.available_names(VisitFactory(status=status), operator) == offered


def test_a_technician_works_their_own_visit_through_the_api_and_no_one_elses():
    visit = VisitFactory(status="scheduled")
    owner = UserFactory(roles=["technician"])
    visit.technician.user = owner
    visit.technician.save(update_fields=["user"])
    other = VisitFactory(status="scheduled")

    started = api_for(owner).post(f"/api/v1/visits/{visit.pk}/start_route/", {}, format="json")
    refused = api_for(owner).post(f"/api/v1/visits/{other.pk}/start_route/", {}, format="json")

    assert (started.status_code, started.json()["status"]) == (200, "en_route")
    assert started.json()["actions"] == ["arrive"]
    assert refused.status_code == 403
    assert Visit.objects.get(pk=other.pk).status == "scheduled"


def test_a_technician_may_not_book_a_visit():
    visit = VisitFactory(status="requested")

    response = api_for(UserFactory(roles=["technician"])).post(
        f"/api/v1/visits/{visit.pk}/book/", {}, format="json")

    assert response.status_code == 403
    assert Swap.objects.count() == 0


def test_the_visit_table_offers_no_step_before_the_day_of_the_slot(operator):
    visit = VisitFactory(status="scheduled")
    Visit.objects.filter(pk=visit.pk).update(slot_start=visit.slot_start + datetime.timedelta(days=1),
                                             slot_end=visit.slot_end + datetime.timedelta(days=1))

    offered = VISIT_ACTIONS.available_names(Visit.objects.get(pk=visit.pk), operator)

    assert offered == set()
