import pytest


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


@pytest.fixture
def prices(db):
    from exchanges.tests.factories import ServicePriceFactory

    ServicePriceFactory(outcome="swap", category="", description="Replacement handset")
    ServicePriceFactory(outcome="swap", category="liquid_damage",
                        description="Replacement handset after liquid damage", amount="229.00")
    ServicePriceFactory(outcome="visit", category="", description="Technician visit",
                        amount="89.00")
