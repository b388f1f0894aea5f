"""What the case's service records allow the case to do now: one condition for the buttons and
the transitions.

A case transition that would strand a service record (resolving a case whose parcel failed
delivery, cancelling one whose replacement is with the courier, taking back a referral whose
handset is at the shop) is refused by the app that owns the record. Each app lists its guards
on its AppConfig (`case_transition_guards`, dotted paths); a guard is called as
`guard(case, name)` with the transition's name and returns the reasons it refuses (an
iterable of messages, empty when it has nothing against it).

The Case's transitions use `services_allow(name)` as a django-fsm condition, so
`hotline.workflow.allowed_transitions` (what the case page offers) and
`hotline.workflow.transition` (what runs) read the same condition; the refusal names the
guard's reasons.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from contextlib import contextmanager

from django.apps import apps
from django.utils.module_loading import import_string

# The case transitions the service records may refuse.
GUARDED = ("resolve", "cancel", "cancel_in_service", "revise")


# While the transitions allowed now are listed, every guard is asked about several transitions
# of the same case: what a guard reads is read once for all of them (`guard_rows`).
_listing: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "case_guard_rows", default=None)


@contextmanager
def one_listing():
    """Within this block, `guard_rows` reads each (case, kind) once (an inner block shares the
    outer one's rows)."""
    if _listing.get() is not None:
        yield
        return
    token = _listing.set({})
    try:
        yield
    finally:
        _listing.reset(token)


def guard_rows(case, kind: str, load: Callable[[], list]) -> list:
    """The rows a guard reads about `case` (`load()`), read once per listing of the allowed
    transitions; read afresh outside one (a transition checks the rows as they are now)."""
    rows = _listing.get()
    if rows is None:
        return load()
    key = (case.pk, kind)
    if key not in rows:
        rows[key] = load()
    return rows[key]


def case_blockers(case, name: str) -> list[str]:
    """The reasons the apps' service records refuse transition `name` of `case` now."""
    if name not in GUARDED or case.pk is None:
        return []
    reasons: list[str] = []
    for config in apps.get_app_configs():
        for path in getattr(config, "case_transition_guards", ()):
            reasons.extend(str(reason) for reason in import_string(path)(case, name) or ())
    return reasons


def services_allow(name: str):
    """A django-fsm condition: transition `name` is allowed when no service record refuses."""
    def condition(case) -> bool:
        return not case_blockers(case, name)
    condition.__name__ = f"services_allow_{name}"
    condition.transition_name = name
    return condition
