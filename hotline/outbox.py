"""The transactional outbox: side effects that must happen once, after commit, even if the
broker is down when the transaction commits."""

from __future__ import annotations

import datetime
import functools
import json
import logging
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from hotline.celery import app as celery_app
from hotline.models import OutboxMessage
from hotline.rawsql import rows_insert

log = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(minutes=10)
# How long a batch's messages are left to the process that recorded them (to send after its
# commit) before the relay takes them as abandoned; the relay runs every 30 seconds.
CLAIM = datetime.timedelta(seconds=60)


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
    """Record several (task, kwargs, key) messages at once: one INSERT, sent after commit in
    their order; keys already recorded are skipped, as by `outbox_enqueue`.
    `new_keys`: the caller made the keys from rows this transaction created (none can be
    recorded yet), so the look-up is skipped; a clash would still be skipped by the insert.

    With a broker the messages are born claimed by this process for `CLAIM` (their
    `available_at`), so that the relay leaves them alone while it sends them after commit
    (`outbox_send_claimed`: no lock, one UPDATE); if it dies first, the relay sends them
    once the claim runs out."""
    if not messages:
        return
    wanted = {key: (task, kwargs) for task, kwargs, key in messages}
    known = set() if new_keys else set(
        OutboxMessage.objects.filter(idempotency_key__in=list(wanted))
        .values_list("idempotency_key", flat=True))
    claimed = not celery_app.conf.task_always_eager
    available = timezone.now() + CLAIM if claimed else None
    new = [OutboxMessage(task=task, kwargs=kwargs, idempotency_key=key,
                         **({"available_at": available} if claimed else {}))
           for key, (task, kwargs) in wanted.items() if key not in known]
    if not new:
        return
    new = _insert_skipping_known(new)
    if not new:
        return
    if claimed:
        transaction.on_commit(lambda: outbox_send_claimed(new))
        return
    # Embedded (no broker): each task runs in-process inside its message's transaction.
    ids = [message.pk for message in new]
    transaction.on_commit(lambda: [outbox_dispatch(message_id=pk) for pk in ids])


def _insert_skipping_known(new: list[OutboxMessage]) -> list[OutboxMessage]:
    """INSERT the messages in one statement, skipping a key already recorded (a concurrent
    writer's); return those inserted, their primary keys set."""
    connection = connections[router.db_for_write(OutboxMessage)]
    if not connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():
                rows_insert(new)
        except IntegrityError:  # a concurrent writer recorded one of the keys just now
            for message in new:
                outbox_enqueue(task=message.task, kwargs=message.kwargs,
                               key=message.idempotency_key)
            return []
        return new
    key = OutboxMessage._meta.get_field("idempotency_key").column
    inserted = {value: pk for pk, value in rows_insert(new, conflict=key, returning=key)}
    for message in new:
        message.pk = inserted.get(message.idempotency_key)
        message._state.adding, message._state.db = message.pk is None, connection.alias
    return [message for message in new if message.pk is not None]


def outbox_send_claimed(messages: Sequence[OutboxMessage]) -> int:
    """Hand messages recorded claimed by this process (`outbox_enqueue_many` with a broker)
    to Celery in their order, through one producer connection, and mark those sent in one
    UPDATE (no lock: the claim keeps the relay away); a message the broker refuses waits,
    with its error, for the relay. Return how many were sent."""
    sent, pending = [], list(messages)
    try:
        with celery_app.producer_or_acquire() as producer:
            while pending:
                message = pending.pop(0)
                message.attempts += 1
                if _send(message, producer=producer):
                    sent.append(message.pk)
    except Exception:  # no producer to be had: each message left tries alone, or says why
        for message in pending:
            message.attempts += 1
            if _send(message):
                sent.append(message.pk)
    if sent:
        _mark_sent(sent)
    return len(sent)


def _mark_sent(ids: list[int]) -> None:
    """Mark the messages sent, in one UPDATE. On PostgreSQL, outside any transaction (a
    request's after-commit), its commit does not wait for the disk (synchronous_commit off,
    in the same round trip): the mark alone can be lost in a crash of the database within a
    fraction of a second, and then the relay sends the messages again once their claim runs
    out (at least once, as ever); the wait for a second WAL flush per webhook is saved."""
    connection = connections[router.db_for_write(OutboxMessage)]
    ops, meta = connection.ops, OutboxMessage._meta
    column = functools.partial(_column, ops, meta)
    sql = (f"UPDATE {ops.quote_name(meta.db_table)} SET {column('dispatched_at')} = %s, "
           f"{column('last_error')} = '', {column('attempts')} = {column('attempts')} + 1 "
           f"WHERE {column('id')} IN ({', '.join(['%s'] * len(ids))}) "
           f"AND {column('dispatched_at')} IS NULL")
    now = meta.get_field("dispatched_at").get_db_prep_save(timezone.now(), connection)
    relaxed = (connection.vendor == "postgresql" and not connection.in_atomic_block
               and connection.get_autocommit())
    with connection.cursor() as cursor:
        if not relaxed:
            cursor.execute(sql, [now, *ids])
            return
        try:  # one round trip: psycopg's client-side binding sends the text as it is
            cursor.execute(f"BEGIN; SET LOCAL synchronous_commit TO OFF; {sql}; COMMIT",
                           [now, *ids])
        except Exception:
            cursor.execute("ROLLBACK")  # the block is left open when a statement fails
            raise


def _column(ops, meta, name: str) -> str:
    return ops.quote_name(meta.get_field(name).column)


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


def _send(message: OutboxMessage, *, producer=None) -> bool:
    """Give the message's task to Celery (through `producer` when given); on failure record
    why and when to try again (the message's `attempts` already counts this one)."""
    try:
        options = {"producer": producer} if producer is not None else {}
        # The arguments as monitoring shows them, written by the JSON encoder: Celery's own
        # safe repr of them cost a fifth of a send (~0.1 ms of its ~0.5 ms of CPU).
        celery_app.tasks[message.task].apply_async(
            kwargs=message.kwargs, task_id=message.idempotency_key, argsrepr="()",
            kwargsrepr=json.dumps(message.kwargs, cls=DjangoJSONEncoder)[:1024], **options
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
