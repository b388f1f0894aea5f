"""One backoff rule for every task that retries (hotline.retries), set from the environment."""

import pytest
from celery.exceptions import Retry

from hotline.retries import retry_countdown
from hotline.tests.test_settings import _start


def test_the_delay_doubles_from_the_base_with_each_retry(settings):
    settings.CELERY_RETRY_BASE_SECONDS, settings.CELERY_RETRY_MAX_SECONDS = 30, 600

    delays = [retry_countdown(retries) for retries in range(7)]

    assert delays == [30, 60, 120, 240, 480, 600, 600]


def test_the_delay_never_passes_the_cap_however_many_retries(settings):
    settings.CELERY_RETRY_BASE_SECONDS, settings.CELERY_RETRY_MAX_SECONDS = 1, 5

    assert retry_countdown(10_000) == 5


def test_a_zero_base_retries_at_once(settings):
    settings.CELERY_RETRY_BASE_SECONDS, settings.CELERY_RETRY_MAX_SECONDS = 0, 0

    assert retry_countdown(3) == 0


def _courier_down():
    from carriers.domain import CarrierError

    return CarrierError("courier down", permanent=False)


def _backend_down():
    from hotline.notifications import DeliveryFailed

    return DeliveryFailed("SMS gateway down")


# (task, what it calls, its arguments, the error that makes it retry)
RETRYING_TASKS = [
    ("exchanges.swaps.tasks.swap_book", "exchanges.swaps.services.swap_book_run",
     {"swap_id": 1, "attempt": 1}, _courier_down),
    ("exchanges.swaps.tasks.swap_collection_book",
     "exchanges.swaps.services.swap_collection_book_run", {"swap_id": 1, "key": "k"},
     _courier_down),
    ("repairs.tasks.mail_in_label", "repairs.services.mail_in.mail_in_label_run",
     {"order_id": 1, "key": "k"}, _courier_down),
    ("repairs.tasks.mail_in_return", "repairs.services.mail_in.mail_in_return_run",
     {"order_id": 1, "key": "k"}, _courier_down),
    ("hotline.tasks.notification_deliver", "hotline.tasks.deliver", {"notification_id": 1},
     _backend_down),
    ("quality.tasks.alert_notify", "quality.tasks.notify", {"alert_id": 1},
     lambda: OSError("mail server down")),
    ("carriers.tasks.shipment_notify", "carriers.services.subscriber_call",
     {"event_id": 1, "subscriber": "x.y"}, lambda: RuntimeError("subscriber failed")),
    ("payments.tasks.payment_notify", "payments.services.subscriber_call",
     {"payment_id": 1, "kind": "paid", "subscriber": "x.y"},
     lambda: RuntimeError("subscriber failed")),
]


@pytest.mark.parametrize(("task_path", "calls", "kwargs", "error"), RETRYING_TASKS,
                         ids=[row[0] for row in RETRYING_TASKS])
def test_every_task_that_retries_waits_the_configured_delay(task_path, calls, kwargs, error,
                                                            settings, monkeypatch):
    from django.utils.module_loading import import_string

    settings.CELERY_RETRY_BASE_SECONDS, settings.CELERY_RETRY_MAX_SECONDS = 3, 7
    task = import_string(task_path)
    seen = {}

    def fake_retry(*, exc, countdown):
        seen["countdown"] = countdown
        return Retry(exc=exc, when=countdown)

    def failing(**_kwargs):
        raise error()

    monkeypatch.setattr(task, "retry", fake_retry)
    monkeypatch.setattr(calls, failing)
    task.push_request(retries=1)

    try:
        with pytest.raises(Retry):
            task.run(**kwargs)
    finally:
        task.pop_request()

    assert seen["countdown"] == 6  # 3 x 2^1, under the cap of 7


@pytest.mark.parametrize(("environ", "message"), [
    ({"CELERY_RETRY_BASE_SECONDS": "60", "CELERY_RETRY_MAX_SECONDS": "10"},
     "CELERY_RETRY_MAX_SECONDS: must be at least CELERY_RETRY_BASE_SECONDS"),
    ({"CELERY_VISIBILITY_TIMEOUT_SECONDS": "300"},
     "CELERY_VISIBILITY_TIMEOUT_SECONDS: must be longer than CELERY_RETRY_MAX_SECONDS"),
    ({"CELERY_RETRY_BASE_SECONDS": "soon"}, "CELERY_RETRY_BASE_SECONDS: expected an integer"),
])
def test_inconsistent_retry_settings_stop_start_up(environ, message, tmp_path):
    result = _start(environ, "check", tmp_path=tmp_path)

    assert result.returncode != 0
    assert message in result.stderr


def test_the_visibility_timeout_reaches_the_broker(settings):
    from hotline.celery import app

    assert app.conf.broker_transport_options["visibility_timeout"] == \
        settings.CELERY_VISIBILITY_TIMEOUT_SECONDS


def test_a_request_that_may_have_been_acted_on_is_not_repeated_when_asked():
    import httpx

    from hotline.httpclient import HttpClient, RemoteError

    calls = []

    def server(request):
        calls.append(request)
        return httpx.Response(500, json={"detail": "boom"})

    client = HttpClient(base_url="http://remote", service="remote", retries=3,
                        sleep=lambda _seconds: None)
    client.client = httpx.Client(base_url="http://remote", transport=httpx.MockTransport(server))

    with pytest.raises(RemoteError) as caught:
        client.request("POST", "/things", retry_ambiguous=False)

    assert len(calls) == 1 and not caught.value.permanent


def test_a_request_refused_with_429_is_repeated_even_when_not_idempotent():
    import httpx

    from hotline.httpclient import HttpClient

    answers = [httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(201, json={})]
    client = HttpClient(base_url="http://remote", service="remote", retries=3,
                        sleep=lambda _seconds: None)
    client.client = httpx.Client(base_url="http://remote",
                                 transport=httpx.MockTransport(lambda _r: answers.pop(0)))

    assert client.request("POST", "/things", retry_ambiguous=False).status_code == 201


def test_a_task_whose_worker_dies_is_delivered_again_not_lost():
    from hotline.celery import app

    # Acknowledged only once done; a pool child killed mid-task requeues it; one message at a
    # time per worker process, so a dead worker holds at most the task it was running.
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
