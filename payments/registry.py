"""The payment provider registry, filled from settings like the carriers' one:
PAYMENTS_PROVIDERS lists provider classes by dotted path, PAYMENTS_PROVIDER_OPTIONS gives each
(by code) its options; PAYMENTS_DEFAULT_PROVIDER is the one customers pay through."""

from __future__ import annotations

from hotline.adapters import AdapterRegistry
from payments.base import PaymentProvider
from payments.domain import UnknownProvider

REGISTRY = AdapterRegistry(kind="payment provider", classes="PAYMENTS_PROVIDERS",
                           options="PAYMENTS_PROVIDER_OPTIONS", error=UnknownProvider,
                           default="PAYMENTS_DEFAULT_PROVIDER")


def providers_all() -> dict[str, PaymentProvider]:
    """Return every configured provider, by code, built once per process."""
    return REGISTRY.all()


def provider_get(code: str | None = None) -> PaymentProvider:
    """Return the provider registered under `code` (the default one when None)."""
    return REGISTRY.get(code)
