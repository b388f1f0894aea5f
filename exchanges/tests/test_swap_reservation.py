"""Swap stage 1, reservation and promise: a like-for-like unit reserved exactly, the
promise, backorders and restock, another warehouse or an equivalent variant."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from exchanges.decisions.fulfilment import swap_request
from exchanges.models import Swap, Warehouse
from exchanges.swaps import services as swaps_service
from exchanges.tests.factories import (
    StockUnitFactory,
    WarehouseFactory,
    swap_case,
)
from exchanges.tests.swapkit import PARIS, booked_swap
from hotline.models import AuditEvent, Notification

pytestmark = pytest.mark.usefixtures("fault_codes", "_frozen")


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
    booked = Notification.objects.get(case=swap.case, template="swap_booked", channel="email")
    assert "swap_booked" in templates and "swap_promised" not in templates
    assert swap.outbound.tracking_number in booked.context["tracking_url"]
    assert booked.context["charge"] == "199.00"
    assert booked.context["model"]


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


def test_a_handset_of_no_variant_sees_each_warehouse_once_whatever_its_variants(run):
    from hotline.tests.factories import ModelVariantFactory

    case, _decision = swap_case(stock=1)
    case.handset.variant = None
    case.handset.save(update_fields=["variant"])
    model, main = case.handset.model, Warehouse.objects.get()
    StockUnitFactory(model=model, variant=ModelVariantFactory(model=model, colour="blue"), warehouse=main)
    StockUnitFactory(model=model, variant=None, warehouse=main)

    options = swaps_service.swap_stock_options(model=model, variant=None, postcode="75002", country="FR")

    like_for_like = [option for option in options if option.kind == "like_for_like"]
    assert [option.warehouse for option in like_for_like] == [main]
    assert like_for_like[0].available == 3


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


def test_a_backordered_swap_stays_backordered_while_there_is_no_stock(run):
    case, decision = swap_case(stock=0)
    swap = run(swap_request, case=case, decision=decision)

    assert run(swaps_service.swaps_restock) == 0

    swap.refresh_from_db()
    assert swap.status == "backordered"


def test_a_french_customer_is_told_the_promise_in_french(run, _frozen):
    from hotline.notifications import notification_render

    case, decision = swap_case()
    case.customer.language = "fr"
    case.customer.save()

    run(swap_request, case=case, decision=decision)

    sms = Notification.objects.get(case=case, template="swap_booked", channel="sms")
    assert "remplacement réservé" in notification_render(notification=sms)["body"]
