import json
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.celery import app as celery_app
from hotline.models import AuditEvent, OutboxMessage
from hotline.outbox import outbox_enqueue, outbox_relay
from hotline.tests.factories import CaseFactory
from hotline.tests.worker_tasks import touch_case

pytestmark = pytest.mark.django_db


def test_a_message_runs_its_task_after_commit(django_capture_on_commit_callbacks):
    case = CaseFactory()

    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=touch_case.name, kwargs={"case_id": case.pk, "note": "hi"},
                       key=f"touch-{case.pk}")

    assert OutboxMessage.objects.get().dispatched_at is not None
    assert AuditEvent.objects.filter(case=case, action="worker_check").count() == 1


def test_the_same_key_is_enqueued_once(django_capture_on_commit_callbacks):
    case = CaseFactory()

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            outbox_enqueue(task=touch_case.name,
                           kwargs={"case_id": case.pk, "note": "x"}, key="same")

    assert OutboxMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="worker_check").count() == 1


def test_when_the_broker_is_down_the_message_waits_and_the_relay_sends_it_later(
    django_capture_on_commit_callbacks,
):
    case = CaseFactory()
    task = celery_app.tasks[touch_case.name]

    with mock.patch.object(task, "apply_async", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(task=task.name, kwargs={"case_id": case.pk, "note": "x"}, key="k1")
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert "broker down" in message.last_error
    assert outbox_relay() == 0  # not due yet: it backs off

    with time_machine.travel(message.available_at, tick=False):
        sent = outbox_relay()

    message.refresh_from_db()
    assert sent == 1
    assert message.dispatched_at is not None
    assert message.attempts == 2
    assert AuditEvent.objects.filter(case=case, action="worker_check").count() == 1
    assert outbox_relay() == 0


def test_several_messages_are_recorded_at_once_and_sent_after_commit_in_order(
        django_capture_on_commit_callbacks):
    from hotline.outbox import outbox_enqueue_many

    case = CaseFactory()
    outbox_enqueue(task=touch_case.name, kwargs={"case_id": case.pk, "note": "before"},
                   key="known")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox_enqueue_many([
            (touch_case.name, {"case_id": case.pk, "note": "first"}, "many-1"),
            (touch_case.name, {"case_id": case.pk, "note": "again"}, "known"),
            (touch_case.name, {"case_id": case.pk, "note": "second"}, "many-2")])

    assert len(callbacks) == 1  # one dispatch for the lot
    assert list(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == [
        "known", "many-1", "many-2"]
    sent = OutboxMessage.objects.filter(idempotency_key__startswith="many-")
    assert all(message.dispatched_at for message in sent)
    notes = list(AuditEvent.objects.filter(case=case, action="worker_check")
                 .order_by("id").values_list("reason", flat=True))
    assert notes[-2:] == ["first", "second"]


def test_messages_said_to_have_new_keys_skip_the_look_up_yet_a_known_key_is_still_sent_once(
        django_capture_on_commit_callbacks, django_assert_num_queries):
    from hotline.outbox import outbox_enqueue_many

    case = CaseFactory()
    outbox_enqueue(task=touch_case.name, kwargs={"case_id": case.pk, "note": "before"},
                   key="known")
    with django_assert_num_queries(1):  # one INSERT that skips known keys: no look-up
        outbox_enqueue_many([(touch_case.name, {"case_id": case.pk, "note": "new"}, "fresh")],
                            new_keys=True)

    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue_many([
            (touch_case.name, {"case_id": case.pk, "note": "again"}, "known"),
            (touch_case.name, {"case_id": case.pk, "note": "other"}, "other")], new_keys=True)

    assert list(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == [
        "known", "fresh", "other"]
    assert OutboxMessage.objects.get(idempotency_key="known").kwargs["note"] == "before"


@pytest.fixture
def broker():
    """Celery as with a broker (tasks are sent, not run in-process); sending is mocked."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def _batch(case):
    from hotline.outbox import outbox_enqueue_many

    outbox_enqueue_many([(touch_case.name, {"case_id": case.pk, "note": str(n)}, f"many-{n}")
                         for n in range(3)])


def test_with_a_broker_a_batch_is_left_to_the_relay_which_sends_it_through_one_producer(
        django_capture_on_commit_callbacks, django_assert_num_queries, broker):
    case = CaseFactory()
    task = celery_app.tasks[touch_case.name]
    sent, producers = [], set()

    def send(**kwargs):
        sent.append(kwargs["task_id"])
        producers.add(id(kwargs["producer"]))
        # Shown to monitoring as JSON, not through Celery's slower safe repr.
        assert json.loads(kwargs["kwargsrepr"]) == kwargs["kwargs"]

    with mock.patch.object(task, "apply_async", side_effect=send):
        with django_capture_on_commit_callbacks() as callbacks:
            _batch(case)
        # Nothing for the recording process to do after commit: the messages are due, for
        # the relay (woken by a NOTIFY on PostgreSQL).
        assert callbacks == [] and sent == []
        assert OutboxMessage.objects.due().count() == 3
        # The lock of the due messages and one UPDATE that marks them sent (savepoints: the
        # test's transaction).
        with django_assert_num_queries(4):
            assert outbox_relay() == 3

    assert sent == ["many-0", "many-1", "many-2"]
    assert len(producers) == 1
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert outbox_relay() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="NOTIFY is PostgreSQL's")
def test_with_a_broker_on_postgresql_a_batch_notifies_the_listening_relay_in_its_insert(
        django_assert_num_queries, broker):
    from hotline.outbox import CHANNEL, outbox_enqueue_many
    from hotline.rawsql import Statements

    case = CaseFactory()
    statements = Statements(OutboxMessage)
    with CaptureQueriesContext(connection) as queries:
        outbox_enqueue_many([(touch_case.name, {"case_id": case.pk, "note": "n"}, "n-1")],
                            statements=statements, new_keys=True)

    assert len(queries.captured_queries) == 1  # the NOTIFY rides with the INSERT
    assert queries.captured_queries[0]["sql"].startswith(f"NOTIFY {CHANNEL};")


def test_with_a_broker_a_message_it_refuses_waits_while_the_rest_of_its_batch_is_sent(broker):
    case = CaseFactory()
    task = celery_app.tasks[touch_case.name]

    def refuse_the_second(**kwargs):
        if kwargs["task_id"] == "many-1":
            raise ConnectionError("broker down")

    _batch(case)
    with mock.patch.object(task, "apply_async", side_effect=refuse_the_second):
        assert outbox_relay() == 2

    waiting = OutboxMessage.objects.get(dispatched_at__isnull=True)
    assert (waiting.idempotency_key, waiting.attempts) == ("many-1", 1)
    assert "broker down" in waiting.last_error
    assert OutboxMessage.objects.filter(dispatched_at__isnull=False).count() == 2
    assert outbox_relay() == 0  # it backs off
    with mock.patch.object(task, "apply_async"), \
            time_machine.travel(waiting.available_at, tick=False):
        assert outbox_relay() == 1


def test_the_relay_sends_at_most_its_limit_oldest_first(broker):
    case = CaseFactory()
    task = celery_app.tasks[touch_case.name]
    sent = []

    _batch(case)
    with mock.patch.object(task, "apply_async",
                           side_effect=lambda **kwargs: sent.append(kwargs["task_id"])):
        assert outbox_relay(limit=2) == 2
        assert outbox_relay(limit=2) == 1

    assert sent == ["many-0", "many-1", "many-2"]


def test_with_a_broker_no_producer_to_be_had_leaves_each_message_with_its_error(broker):
    case = CaseFactory()
    task = celery_app.tasks[touch_case.name]

    _batch(case)
    with mock.patch.object(celery_app, "producer_or_acquire",
                           side_effect=ConnectionError("broker down")), \
            mock.patch.object(task, "apply_async", side_effect=ConnectionError("broker down")):
        assert outbox_relay() == 0

    waiting = list(OutboxMessage.objects.values_list("attempts", "last_error"))
    assert waiting == [(1, "ConnectionError: broker down")] * 3
    assert outbox_relay() == 0  # they back off


def test_the_listener_relays_until_stopped_and_outlives_a_failure(broker, monkeypatch):
    """`outbox_listen` without notifications (SQLite; PostgreSQL's NOTIFY is in the
    integration suite): it relays, waits, and a failing turn is logged, then tried again."""
    import threading

    from hotline import outbox

    stop = threading.Event()
    turns = []

    def relay(*, limit):
        turns.append(limit)
        if len(turns) == 1:
            raise ConnectionError("database down")
        if len(turns) >= 3:
            stop.set()
        return 0

    monkeypatch.setattr(outbox, "outbox_relay", relay)
    monkeypatch.setattr(outbox, "_listener", lambda: None)
    outbox.outbox_listen(stop=stop, wait=0.01, limit=7)

    assert turns == [7, 7, 7]


def test_sent_messages_are_purged_after_the_days_kept_and_those_not_sent_never(settings):
    import datetime

    from django.utils import timezone

    from hotline.outbox import outbox_purge

    settings.HOTLINE_OUTBOX_KEEP_DAYS = 30
    now = timezone.now()
    OutboxMessage.objects.bulk_create([
        OutboxMessage(task="t", idempotency_key="old-sent",
                      dispatched_at=now - datetime.timedelta(days=31)),
        OutboxMessage(task="t", idempotency_key="old-sent-2",
                      dispatched_at=now - datetime.timedelta(days=40)),
        OutboxMessage(task="t", idempotency_key="recent-sent",
                      dispatched_at=now - datetime.timedelta(days=29)),
        OutboxMessage(task="t", idempotency_key="old-waiting",
                      available_at=now - datetime.timedelta(days=90))])

    assert outbox_purge(chunk=1) == 2

    assert sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == [
        "old-waiting", "recent-sent"]
    assert outbox_purge() == 0
