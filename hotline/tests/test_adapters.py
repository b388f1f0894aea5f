"""The one adapter registry behind couriers and payment providers."""

import pytest

from carriers.domain import UnknownCarrier
from carriers.registry import carrier_get, carriers_all
from payments.domain import UnknownProvider
from payments.registry import provider_get, providers_all


def test_both_registries_rebuild_when_their_settings_change(settings):
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    assert list(carriers_all()) == ["sandbox"]
    settings.PAYMENTS_PROVIDERS = ["payments.sandbox.SandboxPayments"]
    assert list(providers_all()) == ["sandbox"]


def test_the_default_provider_is_used_when_no_code_is_given(settings):
    settings.PAYMENTS_PROVIDERS = ["payments.sandbox.SandboxPayments"]
    settings.PAYMENTS_DEFAULT_PROVIDER = "sandbox"
    assert provider_get().code == "sandbox"


def test_an_unknown_code_names_the_registered_ones(settings):
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.PAYMENTS_PROVIDERS = ["payments.sandbox.SandboxPayments"]
    with pytest.raises(UnknownCarrier, match="registered carriers: sandbox"):
        carrier_get("ups")
    with pytest.raises(UnknownProvider, match="registered payment providers: sandbox"):
        provider_get("paypal")


def test_a_path_that_cannot_be_imported_is_named(settings):
    settings.PAYMENTS_PROVIDERS = ["payments.nowhere.Missing"]
    with pytest.raises(UnknownProvider, match="PAYMENTS_PROVIDERS names 'payments.nowhere.Missing'"):
        providers_all()
