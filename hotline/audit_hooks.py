"""Audit subscribers: let an app follow what happens in others without them importing it.

Every audit event (`hotline.workflow.record_event`, so every FSM transition too) is offered
to the subscribers that apps declare on their AppConfig:

    audit_subscribers = (
        AuditSubscriber("quality.hooks.on_audit_event",
                        actions=frozenset({"complete", "inspect"}), evidence=True),
    )

A subscriber is called with the AuditEvent after the writing transaction commits, through the
transactional outbox (one message per event and subscriber: nothing is lost when the broker
is down, nothing runs twice). `actions` picks events by action name; `evidence=True` also
picks every event whose `data` carries a `"defect"` dict: the documented way for any app (a
repair centre, for instance) to report what it found in a handset without importing the app
that keeps defect records (see docs/quality.md, "Feeding defect evidence").
Subscribers must be idempotent. Settings may add subscribers (HOTLINE_AUDIT_SUBSCRIBERS,
dotted paths that receive evidence events).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

EVIDENCE_KEY = "defect"


@dataclass(frozen=True)
class AuditSubscriber:
    path: str
    actions: frozenset[str] = field(default_factory=frozenset)
    evidence: bool = False

    def wants(self, *, action: str, data: dict | None) -> bool:
        if action in self.actions:
            return True
        return self.evidence and isinstance((data or {}).get(EVIDENCE_KEY), dict)


def audit_subscribers() -> list[AuditSubscriber]:
    """Return every declared subscriber, apps' first, then settings' (evidence only)."""
    found: list[AuditSubscriber] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "audit_subscribers", ()))
    found.extend(AuditSubscriber(path, evidence=True)
                 for path in getattr(settings, "HOTLINE_AUDIT_SUBSCRIBERS", ()))
    return list(dict.fromkeys(found))


def audit_publish(event, *, subscribers: list[AuditSubscriber] | None = None) -> None:
    """Queue `event` for each subscriber that wants it (runs after commit, via the outbox);
    `subscribers`: `audit_subscribers()` when the caller publishes many events."""
    if subscribers is None:
        subscribers = audit_subscribers()
    wanted = [s.path for s in subscribers if s.wants(action=event.action, data=event.data)]
    if not wanted:
        return
    # Imported here: apps' AppConfigs import this module before the models are ready.
    from hotline.outbox import outbox_enqueue

    for path in wanted:
        outbox_enqueue(task="hotline.tasks.audit_subscriber_call",
                       kwargs={"event_id": event.pk, "subscriber": path},
                       key=f"audit-{event.pk}-{path}")


def audit_subscriber_call(*, event_id: int, subscriber: str) -> None:
    """Call one subscriber with its AuditEvent."""
    from hotline.models import AuditEvent  # (see audit_publish)

    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is not None:  # the case (and its events) may have been deleted since
        import_string(subscriber)(event)
