"""Webhooks with the real thing: PostgreSQL, Redis and a Celery worker deliver a case's
events to an HTTP receiver, retry the failures with backoff and keep each case's order."""

import http.server
import json
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from hotline.celery import app as celery_app
from hotline.signing import signature_verify
from hotline.tests.factories import CaseFactory, DistributorFactory
from hotline.workflow import transition
from partners.models import WebhookDelivery
from partners.services.webhooks import subscription_create
from partners.tasks import webhooks_retry_due

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers 500 to the first `failures` posts, then 200; records what it accepted."""

    failures = 0
    accepted: list = []
    seen = 0

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen += 1
        if type(self).seen <= type(self).failures:
            self.send_response(500)
            self.end_headers()
            return
        type(self).accepted.append((body, dict(self.headers)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    settings.PARTNERS_WEBHOOK_RETRY_BASE_SECONDS = 1
    Receiver.failures, Receiver.accepted, Receiver.seen = 2, [], 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def wait_for(predicate, *, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        webhooks_retry_due.delay()  # what beat does every minute
        time.sleep(0.5)
    return False


def test_a_worker_delivers_each_cases_events_in_order_through_failures(receiver):
    distributor = DistributorFactory(code="integration")
    subscription, secret = subscription_create(distributor=distributor, url=receiver,
                                               events=["case.status_changed"])
    first = CaseFactory(distributor=distributor, status="open")
    second = CaseFactory(distributor=distributor, status="open")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10):
        for case in (first, second):
            for name in ("start_diagnosis", "advise", "close"):
                with transaction.atomic():
                    transition(case, name)
        done = wait_for(lambda: WebhookDelivery.objects.filter(status="succeeded").count() == 6)

    assert done, list(WebhookDelivery.objects.values_list("status", "attempts", "error"))
    events = [json.loads(body) for body, _headers in Receiver.accepted]
    for case in (first, second):
        words = [e["data"]["case"]["status"] for e in events
                 if e["data"]["case"]["number"] == case.number]
        assert list(dict.fromkeys(words)) == ["diagnosing", "resolved", "closed"]
    for body, headers in Receiver.accepted:
        signature_verify(secret=secret, body=body, headers=headers, tolerance=300)
    retried = WebhookDelivery.objects.filter(attempts__gt=1)
    assert retried.exists()
    assert all(d.attempt_log.count() == d.attempts for d in WebhookDelivery.objects.all())
