"""Payment tasks: tell subscribers, sweep abandoned payments, retry pending refunds."""

from celery import shared_task

from hotline.retries import retry_later
from payments import services


@shared_task(bind=True, acks_late=True, max_retries=8)
def payment_notify(self, *, payment_id: int, kind: str, subscriber: str) -> None:
    """Tell one subscriber about a payment (retried when it fails)."""
    try:
        services.subscriber_call(payment_id=payment_id, kind=kind, subscriber=subscriber)
    except Exception as exc:
        raise retry_later(self, exc) from None


@shared_task
def payments_abandon_stale() -> int:
    return services.payments_abandon_stale()


@shared_task
def refunds_retry() -> int:
    return services.refunds_retry()
