"""Human, translated names for what the machines name by key: the timeline's events
(transitions and recorded events: `start_diagnosis`, `swap_requested`), the customer messages
(`swap_promised`) and the states an event goes from and to.

One registry: each app lists its names in a module named by its AppConfig's `human_names`
(dotted path to a module with `EVENTS` and/or `MESSAGES`, dicts of key -> lazy string), so
that hotline names nothing of the other apps. States come from the `status` fields' choices,
looked up by (model, value): a repair order's "received" is not a referral's.
A test checks that every transition, every recorded event and every message has a name.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _


def _fallback(key: str) -> str:
    return key.replace("_", " ").capitalize()


@cache
def _registry(kind: str) -> dict:
    found: dict = {}
    for config in apps.get_app_configs():
        path = getattr(config, "human_names", "")
        if path:
            found.update(getattr(import_module(path), kind, {}))
    return found


@cache
def _states() -> dict:
    """{(app_label.model_name, value): label} for the `status` fields of every model."""
    found: dict = {}
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.name == "status" and field.choices:
                for value, label in field.choices:
                    found[(model._meta.label_lower, value)] = label
    return found


def _model_label(model) -> str:
    """"app_label.model_name" of a model class, an instance, a ContentType or that string."""
    if model is None:
        return ""
    if isinstance(model, str):
        return model.lower()
    if hasattr(model, "app_label") and hasattr(model, "model"):  # a ContentType
        return f"{model.app_label}.{model.model}"
    return model._meta.label_lower


def event_names() -> dict:
    """Every event key with a name: key -> lazy label."""
    return _registry("EVENTS")


def message_names() -> dict:
    return _registry("MESSAGES")


def event_name(key: str) -> str:
    """Return the human name of a timeline event (a transition or a recorded event)."""
    return str(event_names().get(key) or _fallback(key))


def message_name(key: str) -> str:
    """Return the human name of a customer message template."""
    return str(message_names().get(key) or _fallback(key))


def state_name(value: str, model=None) -> str:
    """Return the human name of `model`'s state `value` (a model class, an instance, a
    ContentType or "app_label.model_name"): two machines may share a value ("received") with
    different names. Without a model, or a model with no such state, the value's own words."""
    if not value:
        return ""
    label = _states().get((_model_label(model), value))
    return str(label or _fallback(value))


EVENTS = {
    # Case transitions (hotline.Case).
    "start_diagnosis": _("Diagnosis started"),
    "advise": _("Fixed by advice"),
    "await_consent": _("Waiting for the customer's consent"),
    "start_service": _("Service started"),
    "consent": _("Customer consented"),
    "refer": _("Referred to a service point"),
    "resolve_referral": _("Handset handed back by the service point"),
    "settle_referral": _("Referral ended"),
    "decline": _("Quote declined"),
    "expire_quote": _("Quote expired"),
    "resolve": _("Resolved"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "revise": _("Decision taken back"),
    "cancel": _("Cancelled"),
    "cancel_in_service": _("Cancelled during service"),
    # Recorded events.
    "opened": _("Case opened"),
    "customer_created": _("Customer created"),
    "handset_registered": _("Handset registered"),
    "notification_retried": _("Message sent again"),
}

MESSAGES = {
    "case_opened": _("Case opened"),
    "case_reopened": _("Case reopened"),
    "resolved": _("Case resolved"),
}
