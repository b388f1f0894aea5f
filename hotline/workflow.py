"""Run FSM transitions the one way Hotline allows: guarded, atomic, audited.

Every model with a django-fsm-2 state goes through `transition()`: it refuses an illegal
transition with a message naming the current state and what is allowed, refuses a stale
object (someone else changed it first), checks the role's permission, saves, and records an
AuditEvent in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from hotline.audit_hooks import audit_publish, audit_subscribers
from hotline.errors import IllegalTransition, PermissionRefused, StaleObject
from hotline.models import AuditEvent
from hotline.names import event_name
from hotline.rawsql import Statements


def actor_or_none(actor):
    """Return `actor` when it is a signed-in user, else None (a task, a courier, anonymous):
    what an audit row's actor and a `*_by` foreign key store."""
    return actor if actor is not None and actor.is_authenticated else None


def state_field_name(obj) -> str:
    return getattr(obj, "fsm_state_field", "status")


def allowed_transitions(obj, user=None) -> list[str]:
    """Return the names of the transitions the object's state (and the user) allow now."""
    from hotline.case_guards import one_listing

    field = state_field_name(obj)
    with one_listing():  # the guards read the case's service records once for every transition
        if user is None:
            found = getattr(obj, f"get_available_{field}_transitions")()
        else:
            found = getattr(obj, f"get_available_user_{field}_transitions")(user)
        return sorted({t.name for t in found})


def record_event(
    subject, *, action: str, actor=None, actor_label: str = "", source: str = "",
    target: str = "", reason: str = "", data: dict | None = None, case=None,
) -> AuditEvent:
    """Write one audit event about `subject`."""
    if case is None:
        case = subject if subject._meta.label == "hotline.Case" else getattr(subject, "case", None)
    event = AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        case=case,
        actor=actor_or_none(actor),
        actor_label=actor_label,
        action=action,
        source=source,
        target=target,
        reason=reason or "",
        data=data or {},
    )
    audit_publish(event)
    return event


def record_events(entries, *, statements: Statements | None = None,
                  ids: Sequence[int] = ()) -> list[AuditEvent]:
    """Write several audit events at once (one insert): `entries` are (subject, fields) pairs,
    the fields those of `record_event` (action, actor_label, source, target, reason, data).
    `statements`: the caller's held writes, to which the insert is added; `ids`: primary keys
    taken beforehand from the audit events' sequence, one per entry at least (then the
    insert can be held)."""
    rows = [AuditEvent(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk),
        case=subject if subject._meta.label == "hotline.Case" else getattr(subject, "case", None),
        actor=actor_or_none(fields.get("actor")), actor_label=fields.get("actor_label", ""),
        action=fields["action"], source=fields.get("source", ""),
        target=fields.get("target", ""), reason=fields.get("reason") or "",
        data=fields.get("data") or {}) for subject, fields in entries]
    if ids:
        for row, pk in zip(rows, ids, strict=False):
            row.pk = pk
    own = statements is None
    statements = Statements(AuditEvent) if own else statements
    statements.insert(rows)
    subscribers = audit_subscribers()
    if own or any(s.wants(action=row.action, data=row.data)
                  for row in rows for s in subscribers):
        statements.run()  # what a subscriber is told of is written before it is queued
    for row in rows:
        audit_publish(row, subscribers=subscribers)
    return rows


def transition(
    obj, name: str, *, actor=None, actor_label: str = "", reason: str = "",
    data: dict | None = None, check_permission: bool = True, **kwargs: Any,
):
    """Apply transition `name` to `obj`, save it and audit it, atomically. Return `obj`."""
    field = state_field_name(obj)
    method = getattr(obj, name, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise IllegalTransition(_("%(name)r is not a transition of %(what)s.")
                                % {"name": name, "what": obj._meta.verbose_name})
    source = getattr(obj, field)
    allowed = allowed_transitions(obj)
    if name not in allowed:
        raise IllegalTransition(_refusal(obj, source, name, allowed), code="illegal_transition")
    if check_permission and actor is not None and not has_transition_perm(method, actor):
        raise PermissionRefused(
            _("Your role does not allow “%(action)s” on a %(what)s.")
            % {"action": event_name(name), "what": obj._meta.verbose_name},
            code="transition_permission",
        )
    with transaction.atomic():
        try:
            method(**kwargs)
        except TransitionNotAllowed:
            raise IllegalTransition(
                _refusal(obj, source, name, allowed_transitions(obj)), code="illegal_transition"
            ) from None
        try:
            obj.save()
        except ConcurrentTransition:
            raise StaleObject(
                _("This %(what)s changed while you were working on it: reload it and try "
                  "again.") % {"what": obj._meta.verbose_name},
                code="stale",
            ) from None
        record_event(
            obj, action=name, actor=actor, actor_label=actor_label, source=str(source),
            target=str(getattr(obj, field)), reason=reason, data=data,
        )
    return obj


def _refusal(obj, source, name: str, allowed: list[str]) -> str:
    # A record that guards its transitions with other records' states says why (the case's
    # service records, hotline.case_guards): the same condition that hid the button.
    refusals = getattr(obj, "transition_refusals", None)
    reasons = refusals(name) if refusals is not None else []
    if reasons:
        return _("Not possible now: “%(action)s” on %(what)s %(obj)s: %(reasons)s") % {
            "action": event_name(name), "what": obj._meta.verbose_name, "obj": obj,
            "reasons": " ".join(reasons)}
    label = getattr(obj, f"get_{state_field_name(obj)}_display", lambda: source)()
    # The actions by their human names, as the timeline shows them (hotline.names).
    what = (", ".join(event_name(key) for key in allowed) if allowed
            else _("nothing (it is final)"))
    return _("Not possible now: “%(action)s” on %(what)s %(obj)s, which is %(label)s "
             "(%(state)s); allowed now: %(allowed)s.") % {
        "action": event_name(name), "what": obj._meta.verbose_name, "obj": obj, "label": label,
        "state": source, "allowed": what}
