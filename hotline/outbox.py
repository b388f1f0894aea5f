"""The transactional outbox: side effects that must happen once, after commit, even if the
broker is down when the transaction commits."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hotline.celery import app as celery_app
from hotline.models import OutboxMessage
from hotline.rawsql import rows_insert

log = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(minutes=10)


def outbox_enqueue(*, task: str, kwargs: dict, key: str) -> OutboxMessage:
    """Record a task to run after commit; the same key is enqueued only once."""
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key, defaults={"task": task, "kwargs": kwargs}
    )
    if created:
        transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_enqueue_many(messages: Sequence[tuple[str, dict, str]], *,
                        new_keys: bool = False) -> None:
    """Record several (task, kwargs, key) messages at once: one look-up, one insert, sent
    after commit in their order; keys already recorded are skipped, as by `outbox_enqueue`.
    `new_keys`: the caller made the keys from rows this transaction created (none can be
    recorded yet), so the look-up is skipped; a clash would still be found by the insert."""
    if not messages:
        return
    wanted = {key: (task, kwargs) for task, kwargs, key in messages}
    known = set() if new_keys else set(
        OutboxMessage.objects.filter(idempotency_key__in=list(wanted))
        .values_list("idempotency_key", flat=True))
    new = [OutboxMessage(task=task, kwargs=kwargs, idempotency_key=key)
           for key, (task, kwargs) in wanted.items() if key not in known]
    if not new:
        return
    try:
        with transaction.atomic():
            rows_insert(new)
    except IntegrityError:  # a concurrent writer recorded one of the keys just now
        for message in new:
            outbox_enqueue(task=message.task, kwargs=message.kwargs, key=message.idempotency_key)
        return
    ids = [message.pk for message in new]
    transaction.on_commit(lambda: outbox_dispatch_many(message_ids=ids))


def outbox_dispatch(*, message_id: int) -> bool:
    """Hand one message to Celery; on failure leave it for the relay. Return True if sent."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, dispatched_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        if not _send(message):
            return False
        message.dispatched_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "dispatched_at", "last_error"])
        return True


def outbox_dispatch_many(*, message_ids: Sequence[int]) -> int:
    """Hand several messages to Celery in their order; return how many were sent.

    With a broker: one transaction locks them all and one UPDATE marks those sent (a tracking
    batch's messages, sent from the web request after its commit). Without one (embedded),
    each task runs in-process inside its message's transaction, so each message keeps its
    own, as `outbox_dispatch` does."""
    if celery_app.conf.task_always_eager or len(message_ids) == 1:
        return sum(outbox_dispatch(message_id=pk) for pk in message_ids)
    with transaction.atomic():
        messages = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                        .filter(pk__in=list(message_ids), dispatched_at__isnull=True)
                        .order_by("pk"))
        sent = []
        for message in messages:
            message.attempts += 1
            if _send(message):
                sent.append(message.pk)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                dispatched_at=timezone.now(), last_error="", attempts=F("attempts") + 1)
    return len(sent)


def _send(message: OutboxMessage) -> bool:
    """Give the message's task to Celery; on failure record why and when to try again (the
    message's `attempts` already counts this one)."""
    try:
        celery_app.tasks[message.task].apply_async(
            kwargs=message.kwargs, task_id=message.idempotency_key
        )
    except Exception as exc:  # broker down, unknown task: keep it and retry later
        delay = min(MAX_BACKOFF, datetime.timedelta(seconds=5 * 2 ** min(message.attempts, 8)))
        message.available_at = timezone.now() + delay
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["attempts", "available_at", "last_error"])
        log.warning("outbox dispatch failed", extra={"key": message.idempotency_key,
                                                     "error": message.last_error})
        return False
    return True


def outbox_relay(*, limit: int = 500) -> int:
    """Send the messages that are due; return how many were sent."""
    ids = list(OutboxMessage.objects.due().values_list("pk", flat=True)[:limit])
    return sum(outbox_dispatch(message_id=pk) for pk in ids)
