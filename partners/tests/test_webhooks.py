"""Webhooks: events on public status changes and courier milestones, signed deliveries in
order per case, retries with backoff for 3 days, automatic disable, redelivery, receivers on
private addresses refused outside DEBUG."""

import datetime
import json

import httpx
import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from hotline.encryption import SecretUnreadable
from hotline.signing import SignatureRejected, signature_make, signature_verify
from hotline.tests.factories import DistributorFactory, make_distributor_user
from hotline.workflow import transition
from partners.errors import PartnerError
from partners.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from partners.services import webhooks
from partners.services.public import public_case_refresh
from partners.tests.factories import case_opened_by

pytestmark = pytest.mark.django_db
URL = "https://receiver.example/hooks"
START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _public_receivers(settings, monkeypatch):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhooks, "_addresses",
                        lambda host, port: [__import__("ipaddress").ip_address("93.184.215.14")])


@pytest.fixture
def telco():
    return DistributorFactory(code="telco", contact_email="it@telco.example")


@pytest.fixture
def hook(telco):
    subscription, secret = webhooks.subscription_create(
        distributor=telco, url=URL, events=["case.status_changed", "case.tracking_updated"])
    return subscription


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def move(run, case, name):
    run(transition, case, name)


def test_a_public_status_change_is_delivered_signed_with_the_case_public_view(
        hook, run, respx_mock, frozen):
    route = respx_mock.post(URL).respond(200, text="thanks")
    case = case_opened_by(hook.distributor, status="open")

    move(run, case, "start_diagnosis")

    request = route.calls.last.request
    body = json.loads(request.content)
    assert body["type"] == "case.status_changed"
    assert body["data"]["case"]["status"] == "diagnosing"
    assert body["data"]["case"]["number"] == case.number
    signature_verify(secret=hook.secret, body=request.content, headers=request.headers,
                     tolerance=300, now=START.timestamp())
    delivery = WebhookDelivery.objects.get(event_id=body["id"])
    assert delivery.status == "succeeded" and delivery.response_status == 200
    assert delivery.response_excerpt == "thanks"


def test_a_change_no_partner_sees_sends_nothing(hook, run, respx_mock):
    route = respx_mock.post(URL).respond(200)
    case = case_opened_by(DistributorFactory(code="else"), status="open")

    move(run, case, "start_diagnosis")

    assert not route.called


def test_a_change_inside_the_public_word_sends_nothing(hook, run, respx_mock):
    route = respx_mock.post(URL).respond(200)
    case = case_opened_by(hook.distributor, status="open")
    run(public_case_refresh, case_id=case.pk)
    before = route.call_count

    run(public_case_refresh, case_id=case.pk)

    assert route.call_count == before == 1


def test_a_stale_signature_is_refused():
    body = b'{"id":"1"}'
    header = signature_make(secret="whsec_x", body=body, timestamp=1_000_000)

    with pytest.raises(SignatureRejected):
        signature_verify(secret="whsec_x", body=body, headers={"Hotline-Signature": header},
                         tolerance=300, now=1_000_000 + 301)


def test_an_altered_body_is_refused():
    header = signature_make(secret="whsec_x", body=b'{"status":"received"}')

    with pytest.raises(SignatureRejected):
        signature_verify(secret="whsec_x", body=b'{"status":"resolved"}',
                         headers={"Hotline-Signature": header}, tolerance=300)


def test_a_failed_delivery_is_retried_with_growing_delays_and_logged(hook, run, respx_mock,
                                                                     frozen, settings):
    settings.PARTNERS_WEBHOOK_RETRY_BASE_SECONDS = 60
    respx_mock.post(URL).respond(503, text="down for maintenance")
    case = case_opened_by(hook.distributor, status="open")
    move(run, case, "start_diagnosis")
    delivery = WebhookDelivery.objects.get()
    delays = []
    for _attempt in range(3):
        delivery.refresh_from_db()
        delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
        frozen.move_to(delivery.next_attempt_at)
        webhooks.deliveries_send(subscription_id=hook.pk, case_id=case.pk)

    delivery.refresh_from_db()
    assert delays == [60, 120, 240]
    assert delivery.attempts == 4 and delivery.status == "pending"
    assert delivery.response_status == 503 and delivery.error_code == "http_status"
    assert delivery.response_excerpt == "down for maintenance"
    assert delivery.attempt_log.count() == 4


def test_a_delivery_is_given_up_after_three_days_and_the_contact_told(hook, run, respx_mock,
                                                                      frozen):
    respx_mock.post(URL).respond(500)
    case = case_opened_by(hook.distributor, status="open")
    move(run, case, "start_diagnosis")
    delivery = WebhookDelivery.objects.get()

    while delivery.status == DeliveryStatus.PENDING:
        frozen.move_to(delivery.next_attempt_at)
        run(webhooks.deliveries_send, subscription_id=hook.pk, case_id=case.pk)
        delivery.refresh_from_db()

    hook.refresh_from_db()
    assert delivery.status == "failed"
    assert timezone.now() - delivery.created_at <= datetime.timedelta(days=3)
    assert not hook.is_active
    assert mail.outbox[-1].to == ["it@telco.example"]
    assert URL in mail.outbox[-1].subject


def test_deliveries_of_a_case_wait_for_the_earlier_one(hook, run, respx_mock, frozen):
    route = respx_mock.post(URL).mock(side_effect=[httpx.Response(500), httpx.Response(200),
                                                   httpx.Response(200)])
    case = case_opened_by(hook.distributor, status="open")
    move(run, case, "start_diagnosis")
    move(run, case, "advise")
    assert route.call_count == 1  # the second waits behind the failed first

    frozen.move_to(WebhookDelivery.objects.order_by("id").first().next_attempt_at)
    webhooks.deliveries_send(subscription_id=hook.pk, case_id=case.pk)

    sent = [json.loads(call.request.content)["data"]["case"]["status"]
            for call in route.calls]
    assert sent == ["diagnosing", "diagnosing", "resolved"]


def test_repeated_failures_disable_the_subscription(hook, run, respx_mock, settings, frozen):
    settings.PARTNERS_WEBHOOK_DISABLE_AFTER = 2
    respx_mock.post(URL).respond(404)
    first, second = (case_opened_by(hook.distributor, status="open") for _i in range(2))

    move(run, first, "start_diagnosis")
    move(run, second, "start_diagnosis")

    hook.refresh_from_db()
    assert not hook.is_active
    assert hook.disabled_code == "failures"
    assert hook.disabled_label == "2 deliveries failed in a row."


def test_switching_a_subscription_back_on_sends_what_waited(hook, run, respx_mock, frozen,
                                                          settings):
    settings.PARTNERS_WEBHOOK_DISABLE_AFTER = 1
    route = respx_mock.post(URL).mock(side_effect=[httpx.Response(502), httpx.Response(200)])
    case = case_opened_by(hook.distributor, status="open")
    move(run, case, "start_diagnosis")
    hook.refresh_from_db()
    assert not hook.is_active
    frozen.shift(datetime.timedelta(hours=1))

    run(webhooks.subscription_update, subscription=hook, is_active=True)

    assert route.call_count == 2
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_redelivery_sends_the_same_event_again(hook, run, respx_mock, frozen):
    route = respx_mock.post(URL).respond(200)
    delivery = run(webhooks.webhook_test_send, subscription=hook)
    delivery.refresh_from_db()

    again = run(webhooks.delivery_redeliver, delivery=delivery)

    again.refresh_from_db()
    assert again.status == "succeeded" and again.event_id == delivery.event_id
    assert route.call_count == 2
    assert json.loads(route.calls.last.request.content)["type"] == "test"


def test_a_pending_delivery_is_not_redelivered(hook):
    delivery = webhooks.webhook_test_send(subscription=hook)

    with pytest.raises(PartnerError):
        webhooks.delivery_redeliver(delivery=delivery)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254",
                                     "::1", "fd00::1"])
def test_a_receiver_on_a_private_address_is_refused(telco, monkeypatch, address):
    monkeypatch.setattr(webhooks, "_addresses",
                        lambda host, port: [__import__("ipaddress").ip_address(address)])

    with pytest.raises(PartnerError) as refused:
        webhooks.subscription_create(distributor=telco, url="https://internal.example/h",
                                     events=["case.status_changed"])

    assert refused.value.field == "url"


def test_plain_http_is_refused_outside_debug(telco):
    with pytest.raises(PartnerError):
        webhooks.subscription_create(distributor=telco, url="http://receiver.example/h",
                                     events=["case.status_changed"])


def test_a_local_receiver_is_allowed_under_debug(telco, settings):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True

    subscription, secret = webhooks.subscription_create(
        distributor=telco, url="http://127.0.0.1:8000/partners/receiver/x/",
        events=["case.status_changed"])

    assert secret.startswith("whsec_") and subscription.secret == secret


def test_an_unknown_event_is_refused_naming_it(telco):
    with pytest.raises(PartnerError) as refused:
        webhooks.subscription_create(distributor=telco, url=URL, events=["case.exploded"])

    assert "case.exploded" in refused.value.message


def test_the_same_courier_news_twice_is_one_event(hook, telco):
    case = case_opened_by(telco)
    data = {"case": {"number": case.number}}

    webhooks.webhook_event_emit(case=case, type="case.tracking_updated", data=data,
                                dedupe_key="tracking:1")
    webhooks.webhook_event_emit(case=case, type="case.tracking_updated", data=data,
                                dedupe_key="tracking:1")

    assert WebhookEvent.objects.count() == 1


def test_the_signing_secret_is_stored_encrypted_and_still_signs(telco):
    subscription, secret = webhooks.subscription_create(
        distributor=telco, url=URL, events=["case.status_changed"])

    stored = WebhookSubscription.objects.filter(pk=subscription.pk).values_list(
        "secret_encrypted", flat=True).get()
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == secret


def test_a_configured_key_encrypts_and_a_rotated_one_still_decrypts(telco, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.WEBHOOK_SECRET_KEYS = [old]
    subscription, secret = webhooks.subscription_create(
        distributor=telco, url=URL, events=["case.status_changed"])

    settings.WEBHOOK_SECRET_KEYS = [new, old]
    readable = WebhookSubscription.objects.get(pk=subscription.pk).secret
    settings.WEBHOOK_SECRET_KEYS = [new]

    assert readable == secret
    with pytest.raises(SecretUnreadable):
        WebhookSubscription.objects.get(pk=subscription.pk).secret  # noqa: B018


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_secrets_stored_in_plaintext(telco):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("partners", "0002_public_status_repair_words")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes("partners")  # 0003 encrypts; the latest after it
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("partners", "WebhookSubscription").objects.create(
        distributor_id=telco.pk, url=URL, events=["case.status_changed"], secret="whsec_plain")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == "whsec_plain"
    assert "whsec_plain" not in subscription.secret_encrypted


# --- what went wrong, in the reader's language; the receiver's answer as received ---------
def failed_delivery(hook, run, respx_mock, **answer):
    respx_mock.post(URL).mock(**answer)
    case = case_opened_by(hook.distributor, status="open")
    move(run, case, "start_diagnosis")
    return WebhookDelivery.objects.get()


def test_a_refused_delivery_reads_in_french_with_the_answer_as_received(hook, run,
                                                                        respx_mock, client):
    failed_delivery(hook, run, respx_mock,
                    return_value=httpx.Response(503, text="Service Unavailable: try later"))
    admin = make_distributor_user(hook.distributor)
    admin.user_permissions.add(Permission.objects.get(codename="manage_own_access"))
    client.force_login(admin)

    page = client.get(reverse("partners:distributor", args=[hook.distributor.code]),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Le récepteur a répondu HTTP 503." in page
    assert "Service Unavailable: try later" in page
    assert "answered" not in page


def test_a_timeout_is_logged_as_such_in_each_readers_language(hook, run, respx_mock):
    delivery = failed_delivery(hook, run, respx_mock, side_effect=httpx.ReadTimeout("slow"))

    assert delivery.error_code == "timeout" and delivery.response_status is None
    assert delivery.attempt_log.get().error_code == "timeout"
    with translation.override("fr"):
        assert delivery.error_label == "Le récepteur n'a pas répondu en 10 secondes."
    with translation.override("en"):
        assert delivery.error_label == "The receiver did not answer within 10 seconds."


def test_a_receiver_that_refuses_connections_is_unreachable(hook, run, respx_mock):
    delivery = failed_delivery(hook, run, respx_mock,
                               side_effect=httpx.ConnectError("Connection refused"))

    assert delivery.error_code == "unreachable"
    assert "Connection refused" in delivery.error


def test_the_api_tells_the_failure_in_the_requests_language(hook, run, respx_mock, key_client):
    from partners.tests.factories import api_key

    failed_delivery(hook, run, respx_mock, return_value=httpx.Response(500, text="boom"))
    _key, secret = api_key(hook.distributor, scopes=["manage_webhooks"])

    body = key_client(secret).get(f"/api/v1/webhooks/{hook.pk}/deliveries/",
                                  HTTP_ACCEPT_LANGUAGE="fr").json()["results"][0]

    assert body["error_code"] == "http_status"
    assert body["error"] == "Le récepteur a répondu HTTP 500."
    assert body["response_excerpt"] == "boom"


def test_why_a_subscription_was_disabled_reads_in_french(hook, run, respx_mock, settings):
    settings.PARTNERS_WEBHOOK_DISABLE_AFTER = 1
    failed_delivery(hook, run, respx_mock, return_value=httpx.Response(500))
    hook.refresh_from_db()

    with translation.override("fr"):
        assert hook.disabled_label == "1 envoi a échoué d'affilée."
