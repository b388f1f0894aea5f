"""One table of actions per state machine, shared by the case panel, the console and the API.

An action is what a person may do to an object now: its name (the URL slug), its label, the
form (console) and serializer (API) that validate its input, the service function that does it,
the capability it needs, and when it is offered, built on the machine's allowed transitions
(`hotline.workflow.allowed_transitions`) plus the service's guards. Views look actions up in the
table instead of chaining if/elif on names, and pages show what the table offers instead of
recomputing flags from status strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _

from hotline.capabilities import has_capability
from hotline.errors import DomainError, PermissionRefused
from hotline.workflow import allowed_transitions


def always(obj, allowed: set[str]) -> bool:
    return True


def when_allowed(*names: str) -> Callable[[Any, set[str]], bool]:
    """Offered when the machine allows any of the transitions `names` now."""
    def offered(obj, allowed: set[str]) -> bool:
        return any(name in allowed for name in names)
    return offered


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    run: Callable[..., Any]  # run(obj, *, actor, data) -> Any; data: the validated input
    capability: str  # the capability (Django permission) it needs
    when: Callable[[Any, set[str]], bool] = always
    form: type | None = None  # console: a Django form class (or None: no input)
    serializer: type | None = None  # API: a DRF serializer class (or None: no input)
    done: Any = ""  # the console's message once done: a string, or (obj, data) -> string
    prefix: str = ""  # the console form's prefix (followed by the object's pk)
    invalid: str = ""  # the console's one message for bad input, with %(errors)s (else per field)

    def offered(self, obj, allowed: set[str] | None = None) -> bool:
        return self.when(obj, set(allowed_transitions(obj)) if allowed is None else allowed)

    def permitted(self, user) -> bool:
        return user is None or has_capability(user, self.capability)

    def message(self, obj, data: dict) -> str:
        return str(self.done(obj, data) if callable(self.done) else self.done)

    def console_form(self, obj, data=None):
        """The action's console form for `obj` (bound to `data` when given), or None."""
        if self.form is None:
            return None
        return self.form(data, prefix=f"{self.prefix}{obj.pk}" if self.prefix else None)


class ActionTable:
    """The actions of one state machine, in the order pages show them."""

    def __init__(self, actions: Iterable[Action]):
        self._actions = {action.name: action for action in actions}

    def __iter__(self):
        return iter(self._actions.values())

    def __contains__(self, name) -> bool:
        return name in self._actions

    def names(self) -> list[str]:
        return list(self._actions)

    def get(self, name: str) -> Action | None:
        return self._actions.get(name)

    def available(self, obj, user=None) -> list[Action]:
        """The actions offered on `obj` now (to `user`, when given)."""
        allowed = set(allowed_transitions(obj))
        return [action for action in self if action.permitted(user) and action.offered(obj, allowed)]

    def available_names(self, obj, user=None) -> set[str]:
        return {action.name for action in self.available(obj, user)}

    def find(self, name: str, user) -> Action:
        """The action `name` for `user`: unknown -> DomainError naming the known ones; not for
        the user's role -> PermissionRefused."""
        action = self.get(name)
        if action is None:
            raise DomainError(_("Unknown action %(name)s; known: %(known)s.")
                              % {"name": name, "known": ", ".join(self.names())},
                              code="unknown_action")
        if not action.permitted(user):
            raise PermissionRefused(_("Your role may not %(action)s.")
                                    % {"action": str(action.label).lower()},
                                    code="action_permission")
        return action


def form_errors(request, form) -> None:
    """Each field's errors as one console message, labelled with the field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def console_run(request, table: ActionTable, name: str, obj) -> bool:
    """Run action `name` on `obj` from a console POST; say how it went in messages. Return
    whether it was done."""
    try:
        action = table.find(name, request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    form = action.console_form(obj, request.POST)
    if form is not None and not form.is_valid():
        if action.invalid:
            messages.error(request, str(action.invalid) % {"errors": "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())})
        else:
            form_errors(request, form)
        return False
    data = form.cleaned_data if form is not None else {}
    try:
        action.run(obj, actor=request.user, data=data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, action.message(obj, data))
    return True


def api_run(request, table: ActionTable, name: str, obj):
    """Run action `name` on `obj` from an API request (errors raise, mapped once to HTTP)."""
    action = table.find(name, request.user)
    data = {}
    if action.serializer is not None:
        serializer = action.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
    return action.run(obj, actor=request.user, data=data)
