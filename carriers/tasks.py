from celery import shared_task

from carriers import services
from hotline.retries import retry_later


@shared_task(name="carriers.tasks.shipment_notify", ignore_result=True, bind=True,
             max_retries=5)
def shipment_notify(self, *, subscriber: str, event_ids: list[int] | None = None,
                    event_id: int | None = None) -> None:
    """Tell one subscriber about a batch's status changes, in order (retried when it fails;
    `event_id` is the form queued before batches)."""
    try:
        services.subscriber_call(event_ids=event_ids or [], event_id=event_id,
                                 subscriber=subscriber)
    except Exception as exc:
        raise retry_later(self, exc) from exc


@shared_task(name="carriers.tasks.poll_stale", ignore_result=True)
def poll_stale() -> dict:
    """Poll the couriers about open shipments with no news for a while."""
    return services.shipments_poll().as_dict()


@shared_task(name="carriers.tasks.sandbox_advance", ignore_result=True)
def sandbox_advance() -> dict:
    """Release the sandbox courier's events that are due, through the webhook path."""
    return services.sandbox_advance().as_dict()
