import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache, caches
from django.db import transaction

from hotline import services
from hotline.celery import app as celery_app
from hotline.models import AuditEvent, Case
from hotline.outbox import outbox_enqueue
from hotline.tests.factories import HandsetFactory
from hotline.tests.worker_tasks import touch_case
from tests.integration.concurrency import run_concurrently
from tests.integration.relay import listening_relay


@pytest.mark.django_db(transaction=True)
def test_concurrent_case_creation_never_duplicates_a_number():
    handsets = [HandsetFactory() for _ in range(12)]

    def open_case(i):
        with transaction.atomic():
            return services.case_open(customer=handsets[i].owner, handset=handsets[i],
                                      symptom="screen").number

    numbers, errors = run_concurrently(12, open_case)

    assert errors == []
    assert len(set(numbers)) == 12
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 13))
    assert Case.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_task_from_the_outbox_that_changes_a_row():
    handset = HandsetFactory()
    case = services.case_open(customer=handset.owner, handset=handset, symptom="audio")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10):
        with transaction.atomic():
            outbox_enqueue(task=touch_case.name,
                           kwargs={"case_id": case.pk, "note": "seen by a worker"},
                           key=f"touch-{case.pk}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if AuditEvent.objects.filter(case=case, action="worker_check").exists():
                break
            time.sleep(0.2)

    event = AuditEvent.objects.get(case=case, action="worker_check")
    assert event.reason == "seen by a worker"
    assert event.actor_label == "worker"


def test_the_cache_is_redis_and_round_trips():
    cache.set("hotline-integration", {"ok": 1}, 30)

    assert cache.get("hotline-integration") == {"ok": 1}
    assert type(caches["default"]).__name__ == "RedisCache"


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_messages_is_sent_by_the_listening_relay_at_commit_to_a_real_worker():
    from hotline.models import OutboxMessage
    from hotline.outbox import outbox_enqueue_many

    handset = HandsetFactory()
    case = services.case_open(customer=handset.owner, handset=handset, symptom="audio")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10), listening_relay():
        with transaction.atomic():
            outbox_enqueue_many([(touch_case.name, {"case_id": case.pk, "note": f"batch {n}"},
                                  f"batch-{case.pk}-{n}") for n in range(2)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if AuditEvent.objects.filter(case=case, action="worker_check").count() == 2:
                break
            time.sleep(0.2)

    assert sorted(AuditEvent.objects.filter(case=case, action="worker_check")
                  .values_list("reason", flat=True)) == ["batch 0", "batch 1"]
    assert list(OutboxMessage.objects.filter(idempotency_key__startswith=f"batch-{case.pk}-")
                .values_list("attempts", flat=True)) == [1, 1]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_beat_starts_the_listening_relay_unless_told_not_to(settings):
    from hotline import celery as hotline_celery

    settings.HOTLINE_OUTBOX_LISTEN = False
    assert hotline_celery._start_outbox_listener() is None
    settings.HOTLINE_OUTBOX_LISTEN = True
    hotline_celery.OUTBOX_LISTENER_STOP.clear()
    thread = hotline_celery._start_outbox_listener()
    try:
        assert thread.is_alive() and thread.daemon
    finally:
        hotline_celery.OUTBOX_LISTENER_STOP.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
