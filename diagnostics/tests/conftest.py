import pytest

from diagnostics.reference import fault_codes_load


@pytest.fixture(autouse=True)
def _english():
    """Texts are asserted in English, whatever an earlier test on this worker activated."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fault_codes(db):
    fault_codes_load()


@pytest.fixture
def sample(fault_codes):
    from diagnostics.tests.factories import publish_sample

    return publish_sample()


@pytest.fixture
def case(db):
    from hotline.tests.factories import CaseFactory, HandsetFactory, HandsetModelFactory

    model = HandsetModelFactory(brand="Nordline", name="N5 Pro", family="N5")
    return CaseFactory(handset=HandsetFactory(model=model), symptom="battery_drain")


@pytest.fixture
def run(sample, case, operator):
    from diagnostics.services import run_start

    return run_start(case=case, version=sample, actor=operator)
