"""The Stripe-shaped adapter against a local fake of Stripe's API."""

import json
from decimal import Decimal

import pytest

from hotline.signing import signature_make
from payments import services
from payments.domain import (
    EventKind,
    IntentRequest,
    PaymentStatus,
    ProviderError,
    RefundReason,
    WebhookRejected,
    to_minor,
)
from payments.models import Payment
from payments.registry import provider_get

pytestmark = pytest.mark.django_db


def request(**overrides):
    return IntentRequest(**({"reference": "PAY-2026-000001", "amount": Decimal("119.88"), "currency": "EUR",
                             "description": "Paid swap", "return_url": "https://x/back",
                             "cancel_url": "https://x/cancel", "idempotency_key": "payments:k1"}
                            | overrides))


def test_it_creates_a_checkout_session_with_the_amount_in_cents_and_our_reference(payments_settings,
                                                                                  fake_stripe):
    intent = provider_get("stripe").create_intent(request())

    form = fake_stripe.calls("/v1/checkout/sessions")[0]["form"]
    assert intent.redirect_url.startswith(fake_stripe.url + "/pay/cs_test_")
    assert form["line_items[0][price_data][unit_amount]"] == "11988"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["payment_intent_data[metadata][hotline_reference]"] == "PAY-2026-000001"


def test_it_sends_the_same_idempotency_key_so_a_retry_creates_one_session(payments_settings, fake_stripe):
    first = provider_get("stripe").create_intent(request())

    second = provider_get("stripe").create_intent(request())

    assert first == second and len(fake_stripe.sessions) == 1
    keys = {call["headers"]["Idempotency-Key"] for call in fake_stripe.calls("/v1/checkout/sessions")}
    assert keys == {"payments:k1"}


def test_it_retries_a_5xx_and_gives_up_after_its_retries(payments_settings, fake_stripe):
    payments_settings.PAYMENTS_PROVIDER_OPTIONS["stripe"] |= {"backoff": 0, "sleep": lambda s: None}
    fake_stripe.fail("/v1/checkout/sessions", 500, times=1)

    assert provider_get("stripe").create_intent(request()).provider_ref == "cs_test_000001"

    fake_stripe.fail("/v1/checkout/sessions", 503, times=5)
    with pytest.raises(ProviderError) as failed:
        provider_get("stripe").create_intent(request(idempotency_key="payments:k2"))
    assert failed.value.permanent is False


def test_it_does_not_retry_a_bad_api_key(payments_settings, fake_stripe):
    payments_settings.PAYMENTS_PROVIDER_OPTIONS["stripe"]["api_key"] = "sk_wrong"

    with pytest.raises(ProviderError, match="Invalid API Key") as failed:
        provider_get("stripe").create_intent(request())

    assert failed.value.permanent is True and len(fake_stripe.requests) == 1


def test_a_provider_that_cannot_be_reached_is_said_in_words(payments_settings, fake_stripe):
    payments_settings.PAYMENTS_PROVIDER_OPTIONS["stripe"] |= {"backoff": 0, "sleep": lambda s: None}
    fake_stripe.fail("/v1/checkout/sessions", 500, times=10)

    with pytest.raises(services.PaymentError, match="cannot be reached"):
        services.payment_start(purpose="quote", subject="x:1", amount=Decimal("10"), currency="EUR",
                               description="d", return_url="https://x", cancel_url="https://x",
                               provider="stripe")

    assert Payment.objects.get().status == PaymentStatus.CREATED


def stripe_paid(fake_stripe):
    payment = services.payment_start(purpose="quote", subject="exchanges.quote:7", amount=Decimal("119.88"),
                                     currency="EUR", description="Paid swap", return_url="https://x/b",
                                     cancel_url="https://x/c", provider="stripe")
    body, headers = fake_stripe.event("payment_intent.succeeded", {
        "id": "pi_123", "object": "payment_intent", "amount": 11988, "amount_received": 11988,
        "currency": "eur", "metadata": {"hotline_reference": payment.reference}})
    assert services.webhook_receive(provider="stripe", body=body, headers=headers) == ["applied"]
    payment.refresh_from_db()
    return payment


def test_a_signed_payment_intent_succeeded_event_marks_it_paid(payments_settings, fake_stripe):
    payment = stripe_paid(fake_stripe)

    assert payment.status == PaymentStatus.SUCCEEDED and payment.provider_ref == "pi_123"


def test_an_event_for_another_amount_is_not_taken_as_payment(payments_settings, fake_stripe):
    payment = services.payment_start(purpose="quote", subject="s:1", amount=Decimal("50"), currency="EUR",
                                     description="d", return_url="https://x", cancel_url="https://x",
                                     provider="stripe")
    body, headers = fake_stripe.event("payment_intent.succeeded", {
        "id": "pi_9", "amount": 100, "amount_received": 100, "currency": "eur",
        "metadata": {"hotline_reference": payment.reference}})

    assert services.webhook_receive(provider="stripe", body=body, headers=headers) == ["amount_mismatch"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_forged_or_malformed_stripe_event_is_rejected(payments_settings, fake_stripe):
    body, _headers = fake_stripe.event("payment_intent.succeeded", {"id": "pi_1"})
    _body, forged = fake_stripe.event("payment_intent.succeeded", {"id": "pi_1"}, secret="whsec_other")

    with pytest.raises(WebhookRejected, match="does not match"):
        services.webhook_receive(provider="stripe", body=body, headers=forged)

    garbage = b'{"id": "evt_1", "type": "payment_intent.succeeded", "created": "soon"}'
    with pytest.raises(WebhookRejected, match="Malformed"):
        signed = {"Stripe-Signature": signature_make(secret="whsec_fake", body=garbage)}
        services.webhook_receive(provider="stripe", body=garbage, headers=signed)


def test_events_we_do_not_follow_are_acknowledged_and_ignored(payments_settings, fake_stripe):
    body, headers = fake_stripe.event("customer.created", {"id": "cus_1"})

    assert services.webhook_receive(provider="stripe", body=body, headers=headers) == []


def test_a_refund_goes_to_stripe_once_with_its_idempotency_key(payments_settings, fake_stripe):
    payment = stripe_paid(fake_stripe)

    refund = services.refund_create(payment=payment, amount=Decimal("19.88"), reason=RefundReason.OVERCHARGE)
    services.refund_send(refund=refund)  # a retry of a settled refund asks nothing more of money

    payment.refresh_from_db()
    calls = fake_stripe.calls("/v1/refunds")
    assert calls[0]["form"] == {"payment_intent": "pi_123", "amount": "1988",
                                "metadata[hotline_refund]": refund.reference}
    assert len(fake_stripe.refunds) == 1
    assert payment.amount_refunded == Decimal("19.88") and payment.status == PaymentStatus.PARTIALLY_REFUNDED


def test_a_refund_event_settles_a_pending_refund(payments_settings, fake_stripe):
    payment = stripe_paid(fake_stripe)
    body, headers = fake_stripe.event("refund.updated", {
        "id": "re_x", "status": "succeeded", "metadata": {"hotline_refund": "RFD-none"}})

    assert services.webhook_receive(provider="stripe", body=body, headers=headers) == ["unknown_refund"]
    assert payment.refunds.count() == 0


def test_amounts_in_zero_decimal_currencies_are_not_multiplied():
    assert to_minor(Decimal("1500"), "JPY") == 1500
    assert to_minor(Decimal("12.345"), "EUR") == 1235


def test_the_sandbox_event_kinds_are_the_closed_vocabulary():
    body = json.dumps({"kind": "succeeded"})
    assert EventKind(json.loads(body)["kind"]) == EventKind.SUCCEEDED


def stripe_pending():
    return services.payment_start(purpose="quote", subject="exchanges.quote:8", amount=Decimal("50.00"),
                                  currency="EUR", description="Paid visit", return_url="https://x/b",
                                  cancel_url="https://x/c", provider="stripe")


def test_a_failed_card_then_an_expired_page_leave_nothing_paid(payments_settings, fake_stripe):
    payment = stripe_pending()
    failed, headers = fake_stripe.event("payment_intent.payment_failed", {
        "id": "pi_7", "amount": 5000, "currency": "eur", "metadata": {"hotline_reference": payment.reference},
        "last_payment_error": {"message": "Your card was declined."}})
    assert services.webhook_receive(provider="stripe", body=failed, headers=headers) == ["applied"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and payment.failure_message == "Your card was declined."

    expired, headers = fake_stripe.event("checkout.session.expired", {
        "id": payment.provider_ref, "client_reference_id": payment.reference,
        "metadata": {"hotline_reference": payment.reference}})
    services.webhook_receive(provider="stripe", body=expired, headers=headers)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED and payment.paid_at is None


def test_a_replayed_stripe_event_is_applied_once(payments_settings, fake_stripe):
    payment = stripe_pending()
    body, headers = fake_stripe.event("payment_intent.succeeded", {
        "id": "pi_8", "amount": 5000, "amount_received": 5000, "currency": "eur",
        "metadata": {"hotline_reference": payment.reference}}, event_id="evt_once")

    first = services.webhook_receive(provider="stripe", body=body, headers=headers)
    again = services.webhook_receive(provider="stripe", body=body, headers=headers)

    assert first == ["applied"] and again == ["duplicate"]
