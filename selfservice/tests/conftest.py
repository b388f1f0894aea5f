"""The exchanges reference data (fault codes, prices) for the tracking page tests."""

from exchanges.tests.conftest import fault_codes, prices  # noqa: F401
