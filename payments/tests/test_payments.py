"""Payments: start, the provider's pushes (signed, replayed, forged), failure, abandonment,
refunds, receipts, and the console."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from hotline.models import AuditEvent
from hotline.signing import HEADER, signature_make
from payments import services
from payments.domain import EventKind, PaymentError, PaymentStatus, RefundReason, RefundStatus
from payments.models import Payment, ProviderEventLog
from payments.registry import provider_get

pytestmark = pytest.mark.django_db


def start(**overrides):
    kwargs = {"purpose": "quote", "subject": "exchanges.quote:1", "amount": Decimal("99.90"),
              "currency": "EUR", "description": "Paid swap, quote Q-1",
              "return_url": "http://testserver/back", "cancel_url": "http://testserver/back",
              "customer_email": "c@example.com", "language": "fr"} | overrides
    return services.payment_start(**kwargs)


def sandbox_push(payment, kind, message=""):
    body, headers = provider_get("sandbox").push(kind=kind, reference=payment.reference,
                                                 provider_ref=payment.provider_ref, message=message)
    return body, headers


def test_starting_a_payment_sends_the_customer_to_the_providers_page(payments_settings):
    payment = start()

    assert payment.status == PaymentStatus.PENDING
    assert payment.redirect_url.startswith("http://testserver/payments/sandbox/sbx_pi_")
    assert AuditEvent.objects.filter(action="start", object_id=str(payment.pk)).exists()


def test_a_second_click_reuses_the_open_payment(payments_settings):
    first = start()

    second = start()

    assert second.pk == first.pk and Payment.objects.count() == 1


def test_a_subject_already_paid_is_not_charged_again(payments_settings, client):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.SUCCEEDED)
    services.webhook_receive(provider="sandbox", body=body, headers=headers)

    with pytest.raises(PaymentError, match="already been paid"):
        start()


def test_a_nothing_amount_is_refused_naming_the_field(payments_settings):
    with pytest.raises(PaymentError) as refused:
        start(amount=Decimal("0"))

    assert refused.value.field == "amount"


def test_a_signed_success_marks_the_payment_paid_and_tells_the_subscribers(
        payments_settings, subscriber, django_capture_on_commit_callbacks):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.SUCCEEDED)

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.webhook_receive(provider="sandbox", body=body, headers=headers)

    payment.refresh_from_db()
    assert outcomes == ["applied"]
    assert payment.status == PaymentStatus.SUCCEEDED and payment.paid_at is not None
    assert subscriber == [(payment.reference, "succeeded")]


def test_a_replayed_push_is_applied_once(payments_settings, subscriber, client,
                                         django_capture_on_commit_callbacks):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.SUCCEEDED)
    url = reverse("payments:webhook", args=["sandbox"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, body, content_type="application/json", headers=headers)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, body, content_type="application/json", headers=headers)

    assert response.status_code == 200 and response.json() == {"outcomes": ["duplicate"]}
    assert subscriber == [(payment.reference, "succeeded")]


def test_a_forged_push_is_refused_and_nothing_is_stored(payments_settings, client):
    payment = start()
    body, _headers = sandbox_push(payment, EventKind.SUCCEEDED)
    forged = {HEADER: signature_make(secret="not-the-secret", body=body)}

    response = client.post(reverse("payments:webhook", args=["sandbox"]), body,
                           content_type="application/json", headers=forged)

    payment.refresh_from_db()
    assert response.status_code == 401
    assert payment.status == PaymentStatus.PENDING and not ProviderEventLog.objects.exists()


def test_a_stale_signature_is_refused(payments_settings, client):
    payment = start()
    body, _headers = sandbox_push(payment, EventKind.SUCCEEDED)
    old = {HEADER: signature_make(secret="sandbox-secret", body=body, timestamp=1_000_000_000)}

    response = client.post(reverse("payments:webhook", args=["sandbox"]), body,
                           content_type="application/json", headers=old)

    assert response.status_code == 401


def test_an_unknown_provider_is_not_found(payments_settings, client):
    response = client.post(reverse("payments:webhook", args=["nobody"]), b"{}",
                           content_type="application/json")

    assert response.status_code == 404


def test_a_declined_card_fails_and_the_customer_may_try_again(payments_settings, subscriber,
                                                             django_capture_on_commit_callbacks):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.FAILED, "Your card was declined.")
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_message == "Your card was declined."

    body, headers = sandbox_push(payment, EventKind.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=body, headers=headers)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.failure_message == ""
    assert [kind for _ref, kind in subscriber] == ["failed", "succeeded"]


def test_a_payment_left_open_is_abandoned_after_the_delay(payments_settings, subscriber,
                                                          django_capture_on_commit_callbacks):
    payment = start()

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=25)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        count = services.payments_abandon_stale()

    payment.refresh_from_db()
    assert count == 1 and payment.status == PaymentStatus.CANCELED
    assert subscriber == [(payment.reference, "canceled")]


def test_an_abandoned_payment_lets_the_customer_start_again(payments_settings):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.CANCELED)
    services.webhook_receive(provider="sandbox", body=body, headers=headers)

    again = start()

    assert again.pk != payment.pk and again.status == PaymentStatus.PENDING


def paid(payments_settings_unused=None):
    payment = start()
    body, headers = sandbox_push(payment, EventKind.SUCCEEDED)
    services.webhook_receive(provider="sandbox", body=body, headers=headers)
    payment.refresh_from_db()
    return payment


def test_a_partial_then_full_refund_goes_through_the_provider(payments_settings, supervisor, subscriber,
                                                             django_capture_on_commit_callbacks):
    payment = paid()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.refund_create(payment=payment, amount=Decimal("9.90"),
                                       reason=RefundReason.OVERCHARGE, actor=supervisor)
    payment.refresh_from_db()
    assert first.status == RefundStatus.SUCCEEDED
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED and payment.amount_refunded == Decimal("9.90")

    with django_capture_on_commit_callbacks(execute=True):
        services.refund_create(payment=payment, amount=Decimal("90.00"), reason=RefundReason.LOST_PARCEL)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refundable == 0
    assert [kind for _ref, kind in subscriber].count("refund_succeeded") == 2


def test_a_refund_beyond_what_is_left_is_refused(payments_settings):
    payment = paid()

    with pytest.raises(PaymentError, match="At most 99.90 EUR") as refused:
        services.refund_create(payment=payment, amount=Decimal("100.00"), reason=RefundReason.GOODWILL)

    assert refused.value.field == "amount" and not payment.refunds.exists()


def test_an_unpaid_payment_cannot_be_refunded(payments_settings):
    payment = start()

    with pytest.raises(PaymentError):
        services.refund_create(payment=payment, amount=Decimal("1.00"), reason=RefundReason.GOODWILL)


def test_the_receipt_opens_with_the_signed_link_only(payments_settings, client):
    payment = paid()
    url = reverse("payments:receipt", args=[payment.reference])

    good = client.get(url, {"t": services.receipt_token(payment)})
    bad = client.get(url, {"t": "forged"})

    assert good.status_code == 200 and good.content.startswith(b"%PDF")
    assert bad.status_code == 404


def test_the_sandbox_card_page_takes_a_test_card_and_returns_the_customer(payments_settings, client,
                                                                          subscriber):
    payment = start()
    page = reverse("payments:sandbox_checkout", args=[payment.provider_ref])

    response = client.post(page, {"action": "pay", "number": "4242 4242 4242 4242", "expiry": "12/39",
                                  "cvc": "123", "name": "A Customer"})

    payment.refresh_from_db()
    assert response.status_code == 302 and response.url == "http://testserver/back"
    assert payment.status == PaymentStatus.SUCCEEDED


def test_the_sandbox_card_page_shows_a_declined_card(payments_settings, client):
    payment = start()
    page = reverse("payments:sandbox_checkout", args=[payment.provider_ref])

    response = client.post(page, {"action": "pay", "number": "4000 0000 0000 0002", "expiry": "12/39",
                                  "cvc": "123", "name": "A Customer"})

    payment.refresh_from_db()
    assert response.status_code == 200 and payment.status == PaymentStatus.FAILED
    assert "declined" in response.content.decode()


def test_the_sandbox_card_page_names_the_bad_field(payments_settings, client):
    payment = start()
    page = reverse("payments:sandbox_checkout", args=[payment.provider_ref])

    response = client.post(page, {"action": "pay", "number": "1234", "expiry": "13/20", "cvc": "x",
                                  "name": "A"})

    form = response.context["form"]
    assert set(form.errors) == {"number", "expiry", "cvc"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_supervisors_refund_from_the_console_and_operators_cannot_see_it(payments_settings, client,
                                                                        supervisor, operator):
    payment = paid()
    client.force_login(operator)
    assert client.get(reverse("payments:list")).status_code == 403
    client.force_login(supervisor)

    response = client.post(reverse("payments:detail", args=[payment.reference]),
                           {"amount": "10.00", "reason": "overcharge", "note": "delivery fee twice"})

    payment.refresh_from_db()
    assert response.status_code == 302 and payment.amount_refunded == Decimal("10.00")
    assert client.get(reverse("payments:list")).status_code == 200
