"""A quote is accepted by paying it: payment confirmed -> consent recorded -> dispatch."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from exchanges.models import Quote, Swap
from exchanges.quotes.payments import on_payment, quote_payment, quote_payment_start
from exchanges.tests.test_quotes import quoted_case
from hotline.models import AuditEvent, Case
from payments import services as payments
from payments.domain import EventKind, PaymentStatus
from payments.registry import provider_get

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")
CARD = {"action": "pay", "expiry": "12/39", "cvc": "123", "name": "Camille Martin"}


def pay(client, quote, number="4242424242424242"):
    started = client.post(reverse("exchanges:quote_public_answer", args=[quote.token, "accept"]))
    return client.post(started.url.removeprefix("http://testserver"), CARD | {"number": number})


def test_accepting_sends_the_customer_to_pay_and_records_nothing_yet(client, operator):
    case, quote = quoted_case(operator)

    response = client.post(reverse("exchanges:quote_public_answer", args=[quote.token, "accept"]))

    quote.refresh_from_db()
    assert response.status_code == 302 and "/payments/sandbox/" in response.url
    assert quote.status == "pending" and Case.objects.get(pk=case.pk).status == "awaiting_consent"
    assert not Swap.objects.filter(case=case).exists()
    assert not AuditEvent.objects.filter(case=case, action="consent").exists()


def test_a_confirmed_payment_records_consent_and_orders_the_swap(client, operator,
                                                                django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator)

    with django_capture_on_commit_callbacks(execute=True):
        pay(client, quote)

    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.answered_via == "payment"
    consent = AuditEvent.objects.get(case=case, action="consent")
    assert consent.data["via"] == "payment"
    assert Swap.objects.get(case=case).quote_id == quote.pk


def test_a_declined_card_dispatches_nothing_and_the_page_says_why(client, operator,
                                                                 django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator)

    with django_capture_on_commit_callbacks(execute=True):
        pay(client, quote, number="4000000000000002")
    page = client.get(reverse("exchanges:quote_public", args=[quote.token]))

    assert Case.objects.get(pk=case.pk).status == "awaiting_consent"
    assert not Swap.objects.filter(case=case).exists()
    assert b"declined" in page.content and page.context["payment"].status == PaymentStatus.FAILED


def test_an_abandoned_payment_leaves_the_quote_open_to_pay_again(client, operator):
    case, quote = quoted_case(operator)
    payment = quote_payment_start(quote=quote)

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=25)):
        payments.payments_abandon_stale()
    again = quote_payment_start(quote=quote)

    assert again.pk != payment.pk and Quote.objects.get(pk=quote.pk).status == "pending"


def test_money_for_a_quote_that_expired_meanwhile_goes_back(operator, django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator)
    payment = quote_payment_start(quote=quote)
    body, headers = provider_get("sandbox").push(kind=EventKind.SUCCEEDED, reference=payment.reference,
                                                 provider_ref=payment.provider_ref)
    payments.webhook_receive(provider="sandbox", body=body, headers=headers)
    payment.refresh_from_db()

    with time_machine.travel(quote.expires_at + datetime.timedelta(minutes=1)):
        on_payment(payment, EventKind.SUCCEEDED)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.amount_refunded == quote.total
    assert not Swap.objects.filter(case=case).exists()


def test_the_paid_quote_page_offers_the_receipt_and_names_the_seller(client, operator,
                                                                    django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator)
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, quote)

    page = client.get(reverse("exchanges:quote_public", args=[quote.token]))
    receipt = client.get(page.context["receipt_url"].removeprefix("http://testserver"))

    assert b"Nordline Services" in page.content
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert quote_payment(quote=quote).amount == quote.total == Decimal("190.68")


def test_the_quote_page_speaks_the_customers_language(client, operator):
    case, quote = quoted_case(operator)
    case.customer.language = "fr"
    case.customer.save()

    page = client.get(reverse("exchanges:quote_public", args=[quote.token]))

    assert "Accepter et payer" in page.content.decode()
