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

from django.apps import apps
from django.utils.module_loading import import_string

# The case transitions the service records may refuse.
GUARDED = ("resolve", "cancel", "cancel_in_service", "revise")


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
