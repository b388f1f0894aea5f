import logging

from celery import shared_task

from carriers import services
from hotline.retries import retry_later

log = logging.getLogger(__name__)


@shared_task(name="carriers.tasks.shipment_notify", ignore_result=True, bind=True,
             max_retries=5)
def shipment_notify(self, *, subscriber: str | None = None,
                    subscribers: list[str] | None = None, event_ids: list[int] | None = None,
                    event_id: int | None = None) -> None:
    """Tell a subscriber (`subscriber`), or several told of the same status changes
    (`subscribers`), about a batch's changes, in order. Each subscriber in turn, so that one
    failing keeps no other from its calls; the task is retried (5 times, with the backoff)
    for those that failed only. `event_id` is the form queued before batches."""
    paths = [subscriber] if subscriber else list(subscribers or [])
    failed, error = [], None
    for path in paths:
        try:
            services.subscriber_call(event_ids=event_ids or [], event_id=event_id,
                                     subscriber=path)
        except Exception as exc:
            log.warning("carrier subscriber failed", extra={"subscriber": path,
                                                            "error": repr(exc)})
            failed.append(path)
            error = error or exc
    if not failed:
        return
    if failed == paths:
        raise retry_later(self, error) from error
    raise retry_later(self, error, kwargs={"subscribers": failed, "event_ids": event_ids,
                                           "event_id": event_id}) from error


@shared_task(name="carriers.tasks.poll_stale", ignore_result=True)
def poll_stale() -> dict:
    """Poll the couriers about open shipments with no news for a while."""
    return services.shipments_poll().as_dict()


@shared_task(name="carriers.tasks.sandbox_advance", ignore_result=True)
def sandbox_advance() -> dict:
    """Release the sandbox courier's events that are due, through the webhook path."""
    return services.sandbox_advance().as_dict()
