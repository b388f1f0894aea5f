"""The payment provider registry, filled from settings like the carriers' one:
PAYMENTS_PROVIDERS lists provider classes by dotted path, PAYMENTS_PROVIDER_OPTIONS gives each
(by code) its options; PAYMENTS_DEFAULT_PROVIDER is the one customers pay through."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from payments.base import PaymentProvider
from payments.domain import UnknownProvider


@cache
def providers_all() -> dict[str, PaymentProvider]:
    """Return every configured provider, by code, built once per process."""
    found: dict[str, PaymentProvider] = {}
    options = settings.PAYMENTS_PROVIDER_OPTIONS
    for path in settings.PAYMENTS_PROVIDERS:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise UnknownProvider(f"PAYMENTS_PROVIDERS names {path!r}, which cannot be imported: "
                                  f"{exc}") from None
        provider = cls(options=dict(options.get(cls.code, {})))
        found[provider.code] = provider
    return found


def provider_get(code: str | None = None) -> PaymentProvider:
    """Return the provider registered under `code` (the default one when None)."""
    code = code or settings.PAYMENTS_DEFAULT_PROVIDER
    providers = providers_all()
    try:
        return providers[code]
    except KeyError:
        known = ", ".join(sorted(providers)) or "none"
        raise UnknownProvider(f"Unknown payment provider {code!r}; registered: {known}.") from None


@receiver(setting_changed)
def _reset(*, setting, **_kwargs):
    if setting in ("PAYMENTS_PROVIDERS", "PAYMENTS_PROVIDER_OPTIONS", "SECRET_KEY"):
        providers_all.cache_clear()
