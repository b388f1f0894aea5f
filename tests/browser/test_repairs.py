"""Repairs in the browser: a referral to a service point through its repair to the hand-back
(the shop's staff on a phone), and a mail-in repair from the prepaid label to delivery."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carriers.domain import CarrierEvent
from carriers.services import tracking_ingest
from diagnostics.reference import fault_codes_load
from exchanges.tests.factories import WarehouseFactory, diagnosing_case
from hotline.tests.factories import UserFactory
from repairs.models import Referral, RepairOrder
from repairs.tests.factories import ServicePointFactory, stocked_part

pytestmark = pytest.mark.django_db(transaction=True)


def _diagnose(page, case, fault, action):
    page.goto(f"/console/cases/{case.number}/")
    page.select_option("#id_dx-fault_code", fault)
    page.select_option("#id_dx-action", action)
    page.get_by_role("button", name="Record and propose an outcome").click()


def _courier_delivers(shipment):
    tracking_ingest(carrier="sandbox", source="webhook", events=[CarrierEvent(
        tracking_number=shipment.tracking_number, status="delivered",
        occurred_at=timezone.now() + datetime.timedelta(minutes=1), raw_code="OK",
        raw_text="delivered", location="Saint-Denis")])


def test_a_referral_goes_to_a_service_point_and_the_case_follows_it_to_the_hand_back(
        page, login, _browser, live_server):
    fault_codes_load()
    UserFactory(username="olivia", roles=["operator"])
    staff = UserFactory(username="samir", roles=["service_point"])
    ServicePointFactory(code="far", name="Far Shop", postcode="75020",
                        opening_hours={str(d): [["00:00", "23:59"]] for d in range(7)})
    near = ServicePointFactory(code="near", name="Atelier Onze", postcode="75003",
                               opening_hours={str(d): [["00:00", "23:59"]] for d in range(7)})
    near.staff.add(staff)
    case = diagnosing_case(stock=0, language="en")

    login("olivia")
    _diagnose(page, case, "NET-04", "referral")
    proposals = page.get_by_test_id("point-proposals")
    expect(proposals.locator("tr").nth(1)).to_contain_text("Atelier Onze")
    page.get_by_test_id("refer-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("referred")
    referral = Referral.objects.get(case=case)
    expect(page.get_by_test_id(f"referral-{referral.reference}")).to_contain_text(
        "awaiting drop-off")

    phone = _browser.new_context(base_url=live_server.url, locale="en-GB",
                                 viewport={"width": 390, "height": 844}, is_mobile=True)
    counter = phone.new_page()
    counter.goto("/login/")
    counter.fill("input[name=username]", "samir")
    counter.fill("input[name=password]", "pw")
    counter.click("button[type=submit]")
    counter.get_by_test_id("find-ref").fill(referral.reference)
    counter.get_by_role("button", name="Find").click()
    counter.get_by_test_id("receive").click()
    expect(counter.get_by_test_id("referral-status")).to_have_text("at the service point")
    counter.get_by_test_id(f"ref-{referral.reference}").click()
    counter.select_option("#id_oc-outcome", "repaired")
    counter.fill("#id_oc-notes", "Antenna connector reseated")
    counter.fill("#id_oc-component", "antenna")
    counter.get_by_test_id("record-outcome").click()
    counter.get_by_test_id(f"ref-{referral.reference}").click()
    expect(counter.get_by_test_id("referral-status")).to_contain_text("ready for collection")
    counter.get_by_test_id("hand-back").click()
    phone.close()

    page.goto(f"/console/cases/{case.number}/")
    expect(page.get_by_test_id("case-status")).to_have_text("resolved")
    expect(page.get_by_test_id(f"referral-{referral.reference}")).to_contain_text("handed back")


def test_a_mail_in_repair_goes_from_the_prepaid_label_to_delivery(
        page, login, _browser, live_server):
    fault_codes_load()
    WarehouseFactory()
    UserFactory(username="olivia", roles=["operator"])
    UserFactory(username="quentin", roles=["qa"])
    case = diagnosing_case(stock=0, language="en")
    stocked_part(case.handset.model, on_hand=2)

    login("olivia")
    _diagnose(page, case, "BAT-01", "repair")
    expect(page.get_by_test_id("proposed-outcome")).to_contain_text("mail-in repair")
    page.get_by_role("button", name="Confirm the outcome").click()
    expect(page.get_by_test_id("case-status")).to_have_text("in service")
    order = RepairOrder.objects.get(case=case)
    assert order.inbound is not None  # the prepaid label was booked after commit
    _courier_delivers(order.inbound)

    login("quentin")
    page.goto(f"/repairs/orders/{order.number}/")
    expect(page.get_by_test_id("repair-status")).to_have_text("received at the repair centre")
    page.get_by_test_id("action-diagnose").get_by_role("button").click()
    plan = page.get_by_test_id("action-plan")
    plan.locator("input[name=plan-component]").fill("battery")
    plan.locator("select[name=plan-part]").select_option(index=1)
    plan.get_by_role("button").click()
    expect(page.get_by_test_id("repair-status")).to_have_text("being repaired")
    page.get_by_test_id("action-finish").get_by_role("button").click()
    page.get_by_test_id("action-pass_check").get_by_role("button").click()
    expect(page.get_by_test_id("repair-status")).to_have_text("shipped back")
    order.refresh_from_db()
    _courier_delivers(order.outbound)

    page.goto(f"/repairs/orders/{order.number}/")
    expect(page.get_by_test_id("repair-status")).to_have_text("delivered")
    expect(page.get_by_test_id("repair-ledger")).to_contain_text("deliver")
    case.refresh_from_db()
    assert case.status == "resolved"
