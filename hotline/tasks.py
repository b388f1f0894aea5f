from celery import shared_task

from hotline import outbox


@shared_task(name="hotline.tasks.outbox_relay", ignore_result=True)
def outbox_relay() -> int:
    """Send outbox messages whose first dispatch failed (the broker was down)."""
    return outbox.outbox_relay()


@shared_task(name="hotline.tasks.touch_case", ignore_result=True)
def touch_case(*, case_id: int, note: str) -> None:
    """Record that a worker saw the case: a harmless task used to check the worker pipeline."""
    from hotline.models import Case
    from hotline.workflow import record_event

    case = Case.objects.get(pk=case_id)
    record_event(case, action="worker_check", actor_label="worker", reason=note)


@shared_task(bind=True, name="hotline.tasks.notification_deliver", ignore_result=True,
             max_retries=5)
def notification_deliver(self, *, notification_id: int) -> None:
    """Send one customer notification; retry with exponential backoff when the backend fails."""
    from hotline.notifications import DeliveryFailed
    from hotline.notifications import notification_deliver as deliver

    try:
        deliver(notification_id=notification_id)
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc


@shared_task(name="hotline.tasks.audit_subscriber_call", ignore_result=True)
def audit_subscriber_call(*, event_id: int, subscriber: str) -> None:
    """Hand one audit event to one subscriber (see hotline.audit_hooks)."""
    from hotline.audit_hooks import audit_subscriber_call as call

    call(event_id=event_id, subscriber=subscriber)
