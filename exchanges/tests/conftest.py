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


@pytest.fixture
def _frozen(settings):
    """Monday 7 December 2026, 10:00 in Paris (the swap stage tests); yields the traveller."""
    import time_machine

    from exchanges.tests.swapkit import MONDAY_10AM

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
