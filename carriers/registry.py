"""The carrier registry, filled from settings: HOTLINE_CARRIERS lists adapter classes by dotted
path; HOTLINE_CARRIER_OPTIONS gives each (by code) its options, read from the environment."""

from __future__ import annotations

from carriers.domain import Carrier, UnknownCarrier
from hotline.adapters import AdapterRegistry

REGISTRY = AdapterRegistry(kind="carrier", classes="HOTLINE_CARRIERS",
                           options="HOTLINE_CARRIER_OPTIONS", error=UnknownCarrier)


def carriers_all() -> dict[str, Carrier]:
    """Return every configured adapter, by code, built once per process."""
    return REGISTRY.all()


def carrier_get(code: str) -> Carrier:
    """Return the adapter registered under `code`, or say clearly which ones exist."""
    return REGISTRY.get(code)


def carrier_choices() -> list[tuple[str, str]]:
    return REGISTRY.choices()
