"""Outbox and beat tasks of swaps (registered through exchanges.tasks; the names stay
`exchanges.tasks.*` so that queued messages and the beat schedule keep working)."""

from celery import shared_task

from carriers.domain import CarrierError
from exchanges.swaps import services
from hotline.retries import retry_later


@shared_task(name="exchanges.tasks.swap_book", bind=True, ignore_result=True, max_retries=12)
def swap_book(self, swap_id: int, attempt: int, options: dict | None = None) -> None:
    """Book a swap's delivery and collection at the courier (from the outbox); a transient
    courier error retries with backoff, the same idempotency key each time."""
    try:
        services.swap_book_run(swap_id=swap_id, attempt=attempt, options=options)
    except CarrierError as exc:
        if exc.permanent:
            raise
        if self.request.retries >= self.max_retries:
            services.swap_booking_gave_up(swap_id=swap_id, attempt=attempt, message=exc.message)
            return
        raise retry_later(self, exc) from exc


@shared_task(name="exchanges.tasks.swap_collection_book", bind=True, ignore_result=True,
             max_retries=12)
def swap_collection_book(self, swap_id: int, key: str) -> None:
    """Book the collection of a faulty unit not handed over at delivery (from the outbox)."""
    try:
        services.swap_collection_book_run(swap_id=swap_id, key=key)
    except CarrierError as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            raise
        raise retry_later(self, exc) from exc


@shared_task(name="exchanges.tasks.swaps_remind", ignore_result=True)
def swaps_remind() -> dict:
    """Depot-hold reminders, faulty units not returned: reminders, then the stated charge."""
    return services.swaps_remind()


@shared_task(name="exchanges.tasks.swaps_restock", ignore_result=True)
def swaps_restock() -> int:
    """Reserve units for backordered swaps once stock is back."""
    return services.swaps_restock()
