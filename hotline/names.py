"""Human, translated names for what the machines name by key: the timeline's events
(transitions and recorded events: `start_diagnosis`, `swap_requested`), the customer messages
(`swap_promised`) and the states an event goes from and to.

One registry: each app lists its names in a module named by its AppConfig's `human_names`
(dotted path to a module with `EVENTS` and/or `MESSAGES`, dicts of key -> lazy string), so
that hotline names nothing of the other apps. States come from the `status` fields' choices.
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
    found: dict = {}
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.name == "status" and field.choices:
                for value, label in field.choices:
                    found.setdefault(value, label)
    return found


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


def state_name(value: str) -> str:
    """Return the human name of a state value (any machine's)."""
    return str(_states().get(value) or _fallback(value)) if value else ""


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
