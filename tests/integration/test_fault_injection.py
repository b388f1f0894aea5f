"""Fault injection on the real PostgreSQL, Redis and a Celery worker (issue 17): the broker
down while 200 swaps are decided, and 10,000 courier events delivered shuffled with 20 %
duplicates. docs/reliability.md records what each shows and how long it takes."""

import dataclasses
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from carriers.domain import CarrierEvent
from carriers.models import Shipment, TrackingEvent
from carriers.signing import HEADER, signature_make
from carriers.tests.factories import ShipmentFactory
from carriers.tests.fake_mydhl import FakeMyDhl
from exchanges.decisions.fulfilment import swap_request
from exchanges.models import Swap
from exchanges.tests.factories import WarehouseFactory, swap_case
from hotline.celery import app as celery_app
from hotline.models import AuditEvent, Notification, OutboxMessage
from hotline.outbox import outbox_relay

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SWAPS = 200
SHIPMENTS, EVENTS_EACH, DUPLICATES = 1000, 10, 0.2
WEBHOOK_BATCH = 500  # events per webhook request (about 100 kB of JSON)


@pytest.fixture
def sandbox_only(settings):
    from diagnostics.reference import fault_codes_load

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "s"}}
    fault_codes_load()
    return settings


def test_swaps_decided_while_the_broker_is_down_are_each_booked_once_when_it_returns(
        sandbox_only, monkeypatch):
    cases = [swap_case(stock=1) for _index in range(SWAPS)]

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:  # every publish fails, as with Redis stopped
        patch.setattr(celery_app.amqp, "send_task_message", broker_down)
        swaps = [swap_request(case=case, decision=decision) for case, decision in cases]
    waiting = OutboxMessage.objects.filter(task="exchanges.tasks.swap_book")
    assert waiting.count() == SWAPS
    assert not waiting.filter(dispatched_at__isnull=False).exists()
    assert all(m.last_error.startswith("OperationalError") for m in waiting)
    assert not Shipment.objects.exists()

    OutboxMessage.objects.update(available_at=timezone.now())  # the relay's next turn
    ids = [swap.pk for swap in swaps]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=30):
        outbox_relay(limit=5000)
        outbox_relay(limit=5000)  # a second relay turn finds nothing left to send
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and \
                Swap.objects.filter(pk__in=ids, status="booked").count() < SWAPS:
            time.sleep(0.5)

    assert Swap.objects.filter(pk__in=ids, status="booked").count() == SWAPS
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True,
                                            task="exchanges.tasks.swap_book").exists()
    per_swap = Shipment.objects.values("booking_key").annotate(n=Count("id"))
    assert len(per_swap) == SWAPS  # one booking per swap ...
    assert {row["n"] for row in per_swap} == {2}  # ... of a delivery and its collection


def _timeline(tracking_number: str, start: datetime.datetime, rng: random.Random) -> list:
    """Ten events of one parcel, an hour apart: the way there, a failed attempt, the end."""
    middle = [("picked_up", ""), ("in_transit", ""), ("in_transit", ""), ("exception", ""),
              ("in_transit", ""), ("out_for_delivery", ""),
              ("delivery_failed", "recipient_absent"), ("held_at_depot", "")]
    last = rng.choice([("delivered", ""), ("returned_to_sender", ""),
                       ("out_for_delivery", ""), ("delivery_failed", "address_problem")])
    steps = [*middle, last][:EVENTS_EACH - 1]
    steps = [("in_transit", ""), *steps]
    return [CarrierEvent(tracking_number=tracking_number, status=status, reason=reason,
                         occurred_at=start + datetime.timedelta(hours=index),
                         raw_code=status[:10].upper(), raw_text=f"{status} {index}",
                         location=f"HUB {index}")
            for index, (status, reason) in enumerate(steps)]


def _post_webhooks(client, events, batch=WEBHOOK_BATCH):
    """Send the events as the courier would: signed webhook requests of `batch` events."""
    url = reverse("carriers-webhook", kwargs={"code": "sandbox"})
    for first in range(0, len(events), batch):
        body = json.dumps({"events": [
            {"tracking_number": e.tracking_number, "status": e.status, "reason": e.reason,
             "occurred_at": e.occurred_at.isoformat(), "code": e.raw_code, "text": e.raw_text,
             "location": e.location} for e in events[first:first + batch]]}).encode()
        response = client.post(url, body, content_type="application/json",
                               headers={HEADER: signature_make(secret="s", body=body)})
        assert response.status_code == 200, response.content


def test_shuffled_tracking_events_with_duplicates_end_in_the_same_states_as_in_order(
        sandbox_only, client):
    rng = random.Random(17)
    start = timezone.now() - datetime.timedelta(days=3)
    booked = dict(status="booked", status_at=start - datetime.timedelta(hours=1),
                  booked_at=start - datetime.timedelta(hours=1))
    ordered = Shipment.objects.bulk_create(
        [ShipmentFactory.build(tracking_number=f"IO{n:08d}", booking_key=f"io-{n}", **booked)
         for n in range(SHIPMENTS)])
    shuffled = Shipment.objects.bulk_create(
        [ShipmentFactory.build(tracking_number=f"SH{n:08d}", booking_key=f"sh-{n}", **booked)
         for n in range(SHIPMENTS)])
    in_order, stream = [], []
    for index in range(SHIPMENTS):
        timeline = _timeline(f"IO{index:08d}", start + datetime.timedelta(minutes=index), rng)
        in_order += timeline
        stream += [dataclasses.replace(e, tracking_number=f"SH{index:08d}") for e in timeline]
    stream += rng.sample(stream, int(len(stream) * DUPLICATES))
    rng.shuffle(stream)
    assert len(in_order) == SHIPMENTS * EVENTS_EACH == 10_000

    _post_webhooks(client, in_order)
    _post_webhooks(client, stream)

    def states(shipments):
        rows = Shipment.objects.filter(pk__in=[s.pk for s in shipments]).order_by("tracking_number")
        return [(s.status, s.status_reason, s.status_at) for s in rows]

    assert states(shuffled) == states(ordered)
    assert {status for status, _reason, _at in states(ordered)} >= {"delivered",
                                                                    "returned_to_sender"}
    assert TrackingEvent.objects.filter(shipment__in=shuffled).count() == SHIPMENTS * EVENTS_EACH
    assert TrackingEvent.objects.filter(shipment__in=ordered).count() == SHIPMENTS * EVENTS_EACH
    # These parcels carry no swap nor repair: no subscriber is told (nothing queued).
    assert not OutboxMessage.objects.filter(task="carriers.tasks.shipment_notify").exists()


# --- the courier failing 30 % of calls --------------------------------------------------------
CHAOS_SWAPS = 20


@pytest.fixture
def fake_dhl(settings):
    from diagnostics.reference import fault_codes_load

    server = FakeMyDhl().start()
    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier", "carriers.mydhl.MyDhlCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {
        "sandbox": {"webhook_secret": "s"},
        "mydhl": {"base_url": server.url, "api_key": "key", "api_secret": "secret",
                  "account": server.account, "webhook_secret": "w", "timeout": 0.3,
                  "retries": 1, "backoff": 0.05}}
    # Each failure the adapter gives up on retries the task: small delays keep it short.
    settings.CELERY_RETRY_BASE_SECONDS, settings.CELERY_RETRY_MAX_SECONDS = 0.2, 1
    fault_codes_load()
    yield server
    server.stop()


def _wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.25)
    return condition()


def test_with_the_courier_failing_30_percent_of_calls_every_swap_is_booked_once(fake_dhl):
    cases = [swap_case(stock=1, warehouse=WarehouseFactory(code="DHL", carrier="mydhl",
                                                           phone="+33149000000"))
             for _index in range(CHAOS_SWAPS)]
    fake_dhl.chaos(0.3, hold=0.5)  # 503 before acting, 500 after acting, no answer in time

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=30):
        swaps = [swap_request(case=case, decision=decision) for case, decision in cases]
        ids = [swap.pk for swap in swaps]
        booked = _wait_until(
            lambda: Swap.objects.filter(pk__in=ids, status="booked").count() == CHAOS_SWAPS, 90)

    assert booked, Swap.objects.filter(pk__in=ids).exclude(status="booked").values_list(
        "status", "booking_error")
    assert set(fake_dhl.chaos_seen) == {"503", "500", "timeout"}  # every kind of failure ...
    assert sum(fake_dhl.chaos_seen.values()) >= 10  # ... and many of them
    by_reference = fake_dhl.shipments_by_reference()
    assert len(by_reference) == 2 * CHAOS_SWAPS  # a delivery and a collection per swap ...
    assert {len(waybills) for waybills in by_reference.values()} == {1}  # ... each made once
    assert len(fake_dhl.shipments) == 2 * CHAOS_SWAPS
    for swap in Swap.objects.filter(pk__in=ids).select_related("outbound", "collection"):
        assert swap.outbound.tracking_number in fake_dhl.shipments
        assert swap.collection.tracking_number in fake_dhl.shipments
    assert Shipment.objects.filter(carrier="mydhl").count() == 2 * CHAOS_SWAPS
    _told_once(CHAOS_SWAPS)


def _told_once(count):
    """Each customer got the booking message once (per channel)."""
    sent = Notification.objects.filter(template="swap_booked").values("case_id", "channel") \
        .annotate(n=Count("id"))
    assert len({row["case_id"] for row in sent}) == count
    assert {row["n"] for row in sent} == {1}


# --- a worker killed in the middle of a booking -----------------------------------------------
VISIBILITY_SECONDS = 3


def _worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    """A real worker process (solo pool, as `celery -A hotline worker` runs in production)."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "hotline", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-n", f"{name}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _worker_env(fake, tmp_path) -> dict:
    from django.conf import settings

    database = connection.settings_dict
    return {**os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
                            f"{database['PORT']}/{database['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "HOTLINE_VAR_DIR": str(tmp_path),
            "CARRIERS": "carriers.sandbox.SandboxCarrier,carriers.mydhl.MyDhlCarrier",
            "MYDHL_BASE_URL": fake.url, "MYDHL_API_KEY": "key", "MYDHL_API_SECRET": "secret",
            "MYDHL_ACCOUNT": fake.account, "MYDHL_TIMEOUT_SECONDS": "5", "MYDHL_RETRIES": "1",
            # The settings that make a dead worker's task come back, made short for the test.
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS),
            "CELERY_RETRY_BASE_SECONDS": "1", "CELERY_RETRY_MAX_SECONDS": "2",
            "CARRIER_BOOKING_PENDING_SECONDS": "2", "LOG_LEVEL": "WARNING"}


def test_a_booking_whose_worker_is_killed_at_the_courier_is_redelivered_and_made_once(
        fake_dhl, tmp_path):
    case, decision = swap_case(stock=1, warehouse=WarehouseFactory(
        code="DHL", carrier="mydhl", phone="+33149000000"))
    celery_app.control.purge()  # nothing left over from other tests in this Redis database
    env = _worker_env(fake_dhl, tmp_path)
    arrived, release = fake_dhl.hold("POST", "/shipments")  # DHL holds the first booking
    first = _worker(env, "doomed", tmp_path / "doomed.log")
    try:
        swap = swap_request(case=case, decision=decision)
        assert arrived.wait(90), (tmp_path / "doomed.log").read_text()
        killed_at = time.monotonic()

        os.kill(first.pid, signal.SIGKILL)  # inside the courier call: no ack, no answer
        first.wait(10)
        release.set()  # DHL makes the shipment all the same; nobody hears the answer
    finally:
        if first.poll() is None:
            first.kill()
    assert Shipment.objects.filter(status="pending").count() == 2  # the dead worker's rows
    # The message stays unacknowledged in Redis until its visibility timeout has passed.
    time.sleep(max(0.0, killed_at + VISIBILITY_SECONDS + 0.5 - time.monotonic()))
    second = _worker(env, "heir", tmp_path / "heir.log")
    try:
        booked = _wait_until(lambda: Swap.objects.filter(pk=swap.pk, status="booked").exists()
                             and Notification.objects.filter(template="swap_booked").exists(), 90)
    finally:
        second.terminate()
        second.wait(30)

    assert booked, (tmp_path / "heir.log").read_text()[-3000:]
    swap.refresh_from_db()
    assert len(fake_dhl.calls("POST", "/shipments")) == 2  # the held delivery + the collection
    assert {len(waybills) for waybills in fake_dhl.shipments_by_reference().values()} == {1}
    assert sorted(fake_dhl.shipments) == sorted([swap.outbound.tracking_number,
                                                 swap.collection.tracking_number])
    shipments = Shipment.objects.filter(booking_key=swap.outbound.booking_key)
    assert sorted(shipments.values_list("status", flat=True)) == ["booked", "booked"]
    assert all(s.label_pdf and s.label_zpl for s in shipments)  # one label each
    assert TrackingEvent.objects.filter(shipment__in=shipments, status="booked").count() == 2
    _told_once(1)
    assert AuditEvent.objects.filter(object_id=str(swap.pk), target="booked").count() == 1
