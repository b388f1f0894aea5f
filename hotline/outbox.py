"""The transactional outbox: side effects that must happen once, after commit, even if the
broker is down when the transaction commits."""

from __future__ import annotations

import datetime
import json
import logging
import threading
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, close_old_connections, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from hotline.celery import app as celery_app
from hotline.models import OutboxMessage
from hotline.rawsql import Statements, rows_insert

log = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(minutes=10)
# The channel on which a transaction that recorded messages for the relay says so (NOTIFY,
# delivered at commit) to the listening relay.
CHANNEL = "hotline_outbox"


def outbox_enqueue(*, task: str, kwargs: dict, key: str) -> OutboxMessage:
    """Record a task to run after commit; the same key is enqueued only once."""
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key, defaults={"task": task, "kwargs": kwargs}
    )
    if created:
        transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_enqueue_many(messages: Sequence[tuple[str, dict, str]], *,
                        new_keys: bool = False, statements: Statements | None = None) -> None:
    """Record several (task, kwargs, key) messages at once: one INSERT; keys already
    recorded are skipped, as by `outbox_enqueue`. For the paths that record messages at a
    high rate (courier tracking batches).
    `new_keys`: the caller made the keys from rows this transaction created (none can be
    recorded yet), so the look-up is skipped; a clash would still be skipped by the insert.
    `statements`: the caller's held writes, sent with the messages' INSERT (one round trip).

    With a broker the recording process does not send them: they are recorded due, and on
    PostgreSQL a NOTIFY on `CHANNEL` (delivered when the transaction commits) wakes the
    listening relay (`outbox_listen`, run beside the beat), which sends them within
    milliseconds, many at once; the beat's relay (every 30 s) is the safety net. Without a
    broker (the embedded mode) each task runs in-process after commit, in their order."""
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
    statements = statements or Statements(OutboxMessage)
    relayed = not celery_app.conf.task_always_eager
    if relayed and statements.connection.vendor == "postgresql":
        statements.add(f"NOTIFY {CHANNEL}")  # held: sent with the INSERT
    new = _insert_skipping_known(new, statements)
    if not new or relayed:
        return
    # Embedded (no broker): each task runs in-process inside its message's transaction.
    ids = [message.pk for message in new]
    transaction.on_commit(lambda: [outbox_dispatch(message_id=pk) for pk in ids])


def _insert_skipping_known(new: list[OutboxMessage],
                           statements: Statements) -> list[OutboxMessage]:
    """INSERT the messages in one statement (after the `statements` held), skipping a key
    already recorded (a concurrent writer's); return those inserted, their primary keys set."""
    connection = statements.connection
    if not connection.features.can_return_rows_from_bulk_insert:
        statements.run()
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
    inserted = {value: pk for pk, value in statements.insert(new, conflict=key, returning=key)}
    for message in new:
        message.pk = inserted.get(message.idempotency_key)
        message._state.adding, message._state.db = message.pk is None, connection.alias
    return [message for message in new if message.pk is not None]


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
    """Send the messages that are due, oldest first, up to `limit`, in one transaction: locked
    (SKIP LOCKED: relays running at once take different messages), handed to Celery through
    one producer connection, marked sent in one UPDATE; a message the broker refuses keeps
    its error and waits (it backs off). Return how many were sent."""
    with transaction.atomic():
        due = list(OutboxMessage.objects.due().select_for_update(skip_locked=True)
                   .order_by("available_at", "pk")[:limit])
        if not due:
            return 0
        sent, pending = [], list(due)
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
        if sent:  # one UPDATE marks them sent
            OutboxMessage.objects.filter(pk__in=sent, dispatched_at__isnull=True).update(
                dispatched_at=timezone.now(), last_error="", attempts=F("attempts") + 1)
    return len(sent)


def outbox_listen(*, stop: threading.Event, wait: float = 5.0, limit: int = 500,
                  gather: float = 0.02) -> None:
    """Relay the outbox as soon as messages are recorded, until `stop` is set: run in a thread
    of the beat process (`hotline.celery`), or alone (`manage.py outbox_listen`); several may
    run at once. On PostgreSQL it LISTENs on `CHANNEL` (on a connection of its own) and
    relays when a transaction that recorded messages commits; elsewhere, and when no
    notification comes, every `wait` seconds. Woken, it waits `gather` seconds more, so that
    one turn (one transaction, one producer) sends the messages of the transactions that
    commit meanwhile: at a high rate, a turn per commit would cost more CPU than the sending.
    A failure (database or broker down) is logged and tried again after `wait` seconds."""
    try:
        while not stop.is_set():
            listener = None
            try:
                listener = _listener()
                while not stop.is_set():
                    while outbox_relay(limit=limit) == limit and not stop.is_set():
                        pass  # a full batch: more may be due
                    _wait_for_news(listener, wait, stop, gather)
                    close_old_connections()
            except Exception:  # noqa: BLE001 (the relay must outlive an outage)
                log.exception("outbox listener failed; trying again")
                close_old_connections()
                stop.wait(wait)
            finally:
                if listener is not None:
                    listener.close()
    finally:
        connections.close_all()  # this thread's own


def _listener():
    """A connection LISTENing on CHANNEL (PostgreSQL), autocommit, apart from Django's: the
    relay's own transactions would otherwise hold notifications back. None elsewhere."""
    connection = connections[router.db_for_write(OutboxMessage)]
    if connection.vendor != "postgresql":
        return None
    import psycopg

    listener = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    listener.execute(f"LISTEN {CHANNEL}")
    return listener


def _wait_for_news(listener, wait: float, stop: threading.Event, gather: float) -> None:
    """Return `gather` seconds after a notification comes (taking the others come by then:
    one relay turn answers them all), after `wait` seconds, or soon after `stop` is set."""
    if listener is None:
        stop.wait(wait)
        return
    waited = 0.0
    while waited < wait and not stop.is_set():
        step = min(1.0, wait - waited)  # to see `stop` within a second
        if any(True for _ in listener.notifies(timeout=step, stop_after=1)):
            stop.wait(gather)
            for _ in listener.notifies(timeout=0):
                pass
            return
        waited += step


def outbox_purge(*, keep_days: int | None = None, chunk: int = 10_000) -> int:
    """Delete the messages sent more than `keep_days` (OUTBOX_KEEP_DAYS) ago, `chunk` at a
    time (each delete a short transaction of its own); return how many were deleted. Those
    not sent are kept, whatever their age."""
    from django.conf import settings

    days = settings.HOTLINE_OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    before = timezone.now() - datetime.timedelta(days=days)
    old = OutboxMessage.objects.filter(dispatched_at__lt=before).order_by()
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:chunk])
        if not ids:
            return deleted
        deleted += OutboxMessage.objects.filter(pk__in=ids).delete()[0]
