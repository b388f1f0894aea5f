"""The carrier registry, filled from settings: HOTLINE_CARRIERS lists adapter classes by dotted
path; HOTLINE_CARRIER_OPTIONS gives each (by code) its options, read from the environment."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from carriers.domain import Carrier, UnknownCarrier


@cache
def carriers_all() -> dict[str, Carrier]:
    """Return every configured adapter, by code, built once per process."""
    found: dict[str, Carrier] = {}
    options = getattr(settings, "HOTLINE_CARRIER_OPTIONS", {})
    for path in settings.HOTLINE_CARRIERS:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise UnknownCarrier(f"HOTLINE_CARRIERS names {path!r}, which cannot be imported: "
                                 f"{exc}") from None
        adapter = cls(options=dict(options.get(cls.code, {})))
        found[adapter.code] = adapter
    return found


def carrier_get(code: str) -> Carrier:
    """Return the adapter registered under `code`, or say clearly which ones exist."""
    adapters = carriers_all()
    try:
        return adapters[code]
    except KeyError:
        known = ", ".join(sorted(adapters)) or "none"
        raise UnknownCarrier(f"Unknown carrier {code!r}; registered carriers: {known}.") from None


def carrier_choices() -> list[tuple[str, str]]:
    return [(code, adapter.name) for code, adapter in sorted(carriers_all().items())]


@receiver(setting_changed)
def _reset(*, setting, **_kwargs):
    if setting in ("HOTLINE_CARRIERS", "HOTLINE_CARRIER_OPTIONS", "SECRET_KEY"):
        carriers_all.cache_clear()
