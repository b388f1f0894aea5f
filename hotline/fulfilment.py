"""Fulfilment providers: outcomes of a case carried out by an app above the case workflow.

An app lists, in its AppConfig's `fulfilment_providers`, outcome -> dotted path of an object
with `assess(*, case) -> Assessment`, `will_follow(*, case, options) -> bool` and
`fulfil(*, case, decision, actor, quote, options)`. The case workflow (exchanges) asks for
them by outcome and never imports the app (repairs provides the service point referral and
the mail-in repair this way)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass
class Assessment:
    """Whether the outcome is possible for the case, with reasons for the operator."""

    feasible: bool
    reasons: list[str] = field(default_factory=list)


def fulfilment_provider(outcome: str):
    """Return the provider of `outcome`, or None when no app provides it."""
    for config in apps.get_app_configs():
        path = getattr(config, "fulfilment_providers", {}).get(outcome)
        if path:
            return import_string(path)
    return None
