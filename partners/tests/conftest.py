import pytest


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()
