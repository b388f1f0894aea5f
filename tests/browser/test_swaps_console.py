import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carriers.domain import CarrierEvent
from carriers.services import tracking_ingest
from diagnostics.reference import fault_codes_load
from exchanges.models import Swap
from exchanges.tests.factories import StockUnitFactory, WarehouseFactory, diagnosing_case
from hotline.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_confirms_a_swap_sees_its_promise_and_rebooks_a_failed_delivery(
        page, login):
    fault_codes_load()
    UserFactory(username="olivia", roles=["operator"])
    WarehouseFactory()
    case = diagnosing_case(days_since_purchase=100, stock=0, language="en")
    StockUnitFactory(model=case.handset.model)

    login("olivia")
    page.goto(f"/console/cases/{case.number}/")
    expect(page.get_by_test_id("swap-options")).to_contain_text("Like-for-like")
    page.select_option("#id_dx-fault_code", "BAT-01")
    page.select_option("#id_dx-action", "swap")
    page.get_by_role("button", name="Record and propose an outcome").click()
    page.get_by_role("button", name="Confirm the outcome").click()
    expect(page.get_by_test_id("swap-status")).to_have_text("booked")
    expect(page.get_by_test_id("swap-promise")).not_to_have_text("—")

    swap = Swap.objects.get(case=case)
    tracking_ingest(carrier="sandbox", source="webhook", events=[CarrierEvent(
        tracking_number=swap.outbound.tracking_number, status="delivery_failed",
        reason="recipient_absent", occurred_at=timezone.now() + datetime.timedelta(minutes=1),
        raw_code="NH", raw_text="Recipient absent")])
    page.goto("/exchanges/swaps/")
    page.get_by_test_id(f"queue-swap-{swap.pk}").get_by_role("link").first.click()
    expect(page.get_by_test_id("swap-status")).to_have_text("delivery failed")
    page.fill(f"#id_rb{swap.pk}-reason", "Customer asked for delivery at work")
    page.fill(f"#id_rb{swap.pk}-street", "5 avenue du Travail")
    page.fill(f"#id_rb{swap.pk}-postcode", "92100")
    page.fill(f"#id_rb{swap.pk}-city", "Boulogne-Billancourt")
    page.get_by_test_id("swap-rebook").click()

    expect(page.get_by_test_id("swap-status")).to_have_text("booked")
    expect(page.get_by_test_id("swap-panel")).to_contain_text("92100")


def test_the_repair_centre_inspects_the_returned_unit_and_the_case_shows_the_imei_ledger(
        page, login, django_capture_on_commit_callbacks):
    from carriers.services import sandbox_advance
    from exchanges.decisions.fulfilment import swap_request
    from exchanges.tests.factories import swap_case

    fault_codes_load()
    UserFactory(username="quentin", roles=["qa"])
    UserFactory(username="olivia", roles=["operator"])
    case, decision = swap_case()
    swap = swap_request(case=case, decision=decision)
    sandbox_advance(until=timezone.now() + datetime.timedelta(hours=50))
    swap.refresh_from_db()
    assert swap.status == "return_received"

    login("quentin")
    page.goto("/exchanges/swaps/returns/")
    page.click("[data-navgroup='logistics'] > summary")  # the top bar's Logistics menu
    expect(page.locator("[data-nav='exchanges:swap_returns']")).to_be_visible()
    page.get_by_test_id(f"return-swap-{swap.pk}").get_by_test_id("swap-inspect").click()
    page.fill("input[name=received_imei]", case.handset.imei)
    page.select_option("select[name=outcome]", "fault_confirmed")
    page.select_option("select[name=fault_code]", "BAT-01")
    page.get_by_test_id("inspection-save").click()
    expect(page.get_by_text("No faulty unit on its way back.")).to_be_visible()

    page.context.clear_cookies()
    login("olivia")
    page.goto(f"/console/cases/{case.number}/")
    expect(page.get_by_test_id("swap-status")).to_have_text("closed")
    expect(page.get_by_test_id("inspection")).to_contain_text("fault confirmed")
    expect(page.get_by_test_id("imei-ledger")).to_contain_text(swap.unit.imei)
