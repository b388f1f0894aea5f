"""Swaps on the real PostgreSQL, Redis and a Celery worker: the last unit goes to exactly one of
many concurrent swaps; a booking queued while the broker is unreachable is booked once by the
worker when the relay sends it."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from carriers.models import Shipment
from exchanges.models import ReplacementUnit, Swap
from exchanges.swaps.services import swap_reserve
from exchanges.tests.factories import swap_case
from hotline.celery import app as celery_app
from hotline.outbox import outbox_relay
from tests.integration.relay import listening_relay


def together(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def sandbox_only(settings, db):
    from diagnostics.reference import fault_codes_load

    settings.HOTLINE_CARRIERS = ["carriers.sandbox.SandboxCarrier"]
    settings.HOTLINE_CARRIER_OPTIONS = {"sandbox": {"webhook_secret": "s"}}
    fault_codes_load()
    return settings


def requested_swaps(count):
    """`count` requested swaps of one model and variant, with one unit in stock."""
    first_case, decision = swap_case(stock=1)
    handset = first_case.handset
    swaps = []
    for index in range(count):
        case, decision = (first_case, decision) if index == 0 else swap_case(
            stock=0, variant=handset.variant)
        case.handset.model = handset.model
        case.handset.save()
        swaps.append(Swap.objects.create(
            case=case, decision=decision, fault_code=decision.fault_code, model=handset.model,
            variant=handset.variant, street="1 rue Test", postcode="75002", city="Paris",
            country="FR"))
    return swaps


@pytest.mark.django_db(transaction=True)
def test_eight_swaps_reserving_the_last_unit_at_once_get_it_exactly_once(sandbox_only):
    swaps = requested_swaps(8)

    errors = together(8, lambda i: swap_reserve(swap=swaps[i]))

    assert errors == []
    statuses = sorted(Swap.objects.values_list("status", flat=True))
    assert statuses.count("backordered") == 7
    assert len([s for s in statuses if s != "backordered"]) == 1
    assert ReplacementUnit.objects.get().status in ("reserved", "shipped")


@pytest.mark.django_db(transaction=True)
def test_a_booking_queued_while_the_broker_is_down_is_booked_once_by_the_worker(
        sandbox_only, monkeypatch):
    swaps = requested_swaps(1)
    task = celery_app.tasks["exchanges.tasks.swap_book"]
    real = task.apply_async

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(task, "apply_async", broker_down)
    swap_reserve(swap=swaps[0])
    monkeypatch.setattr(task, "apply_async", real)
    import datetime

    from django.utils import timezone

    from hotline.models import OutboxMessage

    OutboxMessage.objects.update(available_at=timezone.now() - datetime.timedelta(minutes=1))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10):
        outbox_relay()
        outbox_relay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Swap.objects.filter(pk=swaps[0].pk, status="booked").exists():
                break
            time.sleep(0.2)

    assert Swap.objects.get(pk=swaps[0].pk).status == "booked"
    assert Shipment.objects.filter(booking_key=f"swap-book-{swaps[0].pk}-1").count() == 2


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_happy_path_runs_on_postgres_with_a_worker(sandbox_only):
    import datetime

    from django.utils import timezone

    from carriers.services import sandbox_advance
    from exchanges.decisions.fulfilment import swap_request
    from exchanges.swaps.services import swap_inspect
    from exchanges.tests.factories import fault

    case, decision = swap_case(stock=1)

    # The worker, and the beat's listening relay: it sends the messages of the courier's
    # tracking batches (the parcel's news, which move the swap on).
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10), listening_relay():
        swap = swap_request(case=case, decision=decision)
        assert wait_for(lambda: Swap.objects.filter(pk=swap.pk, status="booked").exists())
        sandbox_advance(until=timezone.now() + datetime.timedelta(hours=50))
        assert wait_for(lambda: Swap.objects.filter(pk=swap.pk,
                                                    status="return_received").exists())

    swap_inspect(swap=swap, received_imei=case.handset.imei, outcome="fault_confirmed",
                 fault_code=fault("BAT-01"))
    swap.refresh_from_db()
    case.refresh_from_db()
    assert (swap.status, case.status) == ("closed", "resolved")
    assert swap.replacement_handset.warranty_end == case.handset.warranty_end
