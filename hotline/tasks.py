from celery import shared_task

from hotline import outbox
from hotline.audit_hooks import audit_subscriber_call as call
from hotline.notifications import DeliveryFailed
from hotline.notifications import notification_deliver as deliver
from hotline.retries import retry_later
from hotline.services import case_close_due


@shared_task(name="hotline.tasks.cases_close", ignore_result=True)
def cases_close() -> int:
    """Close the settled cases whose follow-up window is over (run by beat every hour)."""
    return case_close_due()


@shared_task(name="hotline.tasks.outbox_relay", ignore_result=True)
def outbox_relay() -> int:
    """Send outbox messages whose first dispatch failed (the broker was down)."""
    return outbox.outbox_relay()


@shared_task(name="hotline.tasks.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    """Delete the outbox messages sent more than OUTBOX_KEEP_DAYS ago."""
    return outbox.outbox_purge()


@shared_task(bind=True, name="hotline.tasks.notification_deliver", ignore_result=True,
             max_retries=5)
def notification_deliver(self, *, notification_id: int) -> None:
    """Send one customer notification; retry with exponential backoff when the backend fails."""
    try:
        deliver(notification_id=notification_id)
    except DeliveryFailed as exc:
        raise retry_later(self, exc) from exc


@shared_task(name="hotline.tasks.audit_subscriber_call", ignore_result=True)
def audit_subscriber_call(*, event_id: int, subscriber: str) -> None:
    """Hand one audit event to one subscriber (see hotline.audit_hooks)."""
    call(event_id=event_id, subscriber=subscriber)
