"""Warranty: purchase date + the model's months; damage never covered; replacements inherit."""

import datetime

import pytest

from exchanges.decisions.warranty import warranty_status
from exchanges.tests.factories import fault
from hotline.tests.factories import HandsetFactory, HandsetModelFactory

pytestmark = pytest.mark.usefixtures("fault_codes")
TODAY = datetime.date(2026, 6, 15)


def handset(purchase_date, months=24, override=None):
    return HandsetFactory(model=HandsetModelFactory(warranty_months=months),
                                purchase_date=purchase_date, warranty_end_override=override)


def test_the_last_day_of_warranty_is_still_covered():
    status = warranty_status(handset=handset(datetime.date(2024, 6, 15)), on=TODAY)

    assert status.covered and status.end == TODAY


def test_the_day_after_the_warranty_end_is_not_covered():
    status = warranty_status(handset=handset(datetime.date(2024, 6, 14)), on=TODAY)

    assert status.state == "expired"


def test_the_models_warranty_months_apply():
    status = warranty_status(handset=handset(datetime.date(2025, 7, 1), months=12), on=TODAY)

    assert status.end == datetime.date(2026, 7, 1) and status.covered


def test_a_replacement_keeps_the_warranty_end_of_the_handset_it_replaced():
    status = warranty_status(handset=handset(datetime.date(2026, 6, 1),
                                             override=datetime.date(2026, 6, 10)), on=TODAY)

    assert status.state == "expired" and status.end == datetime.date(2026, 6, 10)


def test_an_unknown_purchase_date_needs_a_proof_of_purchase():
    status = warranty_status(handset=handset(None), on=TODAY)

    assert status.state == "unknown" and not status.covered


@pytest.mark.parametrize("code", ["LIQ-01", "PHY-01", "PHY-02"])
def test_liquid_and_physical_damage_are_never_covered(code):
    status = warranty_status(handset=handset(datetime.date(2026, 6, 1)), fault_code=fault(code),
                             on=TODAY)

    assert status.state == "not_covered"
