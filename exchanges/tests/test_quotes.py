"""Paid outcomes: an itemised quote in writing, the customer's consent, decline or expiry."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from diagnostics.selectors import Recommendation
from exchanges.decisions.services import case_revise, decision_confirm, decision_propose
from exchanges.models import Quote, Swap
from exchanges.quotes.pdf import quote_pdf
from exchanges.quotes.services import quote_accept, quote_decline, quote_link
from exchanges.tests.factories import diagnosing_case, fault
from hotline.errors import IllegalTransition
from hotline.models import AuditEvent, Case
from hotline.sms import LocmemSmsBackend

pytestmark = pytest.mark.usefixtures("fault_codes", "prices")


def quoted_case(actor, code="BAT-01", capture=None):
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    decision = decision_propose(
        case=case, actor=actor, recommendation=Recommendation(fault_code=fault(code),
                                                              action="swap"))
    if capture is not None:
        with capture(execute=True):
            decision_confirm(decision=decision, actor=actor)
    else:
        decision_confirm(decision=decision, actor=actor)
    case.refresh_from_db()
    return case, Quote.objects.get(case=case)


def test_an_out_of_warranty_swap_waits_for_consent_with_an_itemised_quote(operator):
    case, quote = quoted_case(operator)

    assert case.status == "awaiting_consent"
    assert [line.description for line in quote.lines.all()] == ["Replacement handset"]
    assert quote.subtotal == Decimal("149.00") and quote.delivery_fee == Decimal("9.90")
    assert quote.tax_amount == Decimal("31.78")  # 20 % of 158.90, rounded half up
    assert quote.total == Decimal("190.68") and quote.currency == "EUR"
    assert not Swap.objects.filter(case=case).exists()


def test_the_quote_goes_out_by_email_with_a_pdf_and_by_sms_with_the_link(
        operator, django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator, capture=django_capture_on_commit_callbacks)

    email = next(m for m in mail.outbox if quote.number in m.subject)
    filename, content, mimetype = email.attachments[0]
    sms = next(m for m in LocmemSmsBackend.outbox if quote.number in m.body)
    assert filename == f"quote-{quote.number}.pdf" and content.startswith(b"%PDF")
    assert quote_link(quote=quote) in email.body
    assert quote_link(quote=quote) in sms.body
    assert "190,68 EUR" in email.body  # the amount written in French too
    assert email.subject.startswith("Devis")  # the customer's language: French


def test_the_customer_accepting_through_the_link_orders_the_swap_with_the_quoted_fees(operator):
    case, quote = quoted_case(operator)

    quote_accept(quote=quote, via="link", ip="203.0.113.9")

    case.refresh_from_db()
    quote.refresh_from_db()
    swap = Swap.objects.get(case=case)
    assert case.status == "in_service"
    assert (quote.status, quote.answered_ip, quote.answered_via) == (
        "accepted", "203.0.113.9", "link")
    assert swap.paid and swap.fees_total == quote.total and swap.quote == quote
    assert sum(Decimal(line["amount"]) for line in swap.fee_lines) == quote.total
    consent = AuditEvent.objects.get(case=case, action="consent")
    assert consent.actor_label == "customer" and consent.data["quote"] == quote.number


def test_an_operator_records_a_signed_acceptance(operator):
    case, quote = quoted_case(operator)

    quote_accept(quote=quote, via="signed", signed_by="Camille Dupont", actor=operator)

    quote.refresh_from_db()
    assert (quote.status, quote.signed_by, quote.recorded_by) == (
        "accepted", "Camille Dupont", operator)
    assert Case.objects.get(pk=case.pk).status == "in_service"


def test_a_declined_quote_declines_the_case_and_orders_nothing(operator):
    case, quote = quoted_case(operator)

    quote_decline(quote=quote, via="link", ip="203.0.113.9", reason="Too expensive")

    case.refresh_from_db()
    assert case.status == "declined" and case.settled_at is not None
    assert not Swap.objects.filter(case=case).exists()


def test_a_quote_left_unanswered_expires_after_14_days_and_declines_the_case(operator):
    case, quote = quoted_case(operator)

    with time_machine.travel(quote.expires_at + datetime.timedelta(minutes=1)):
        call_command("expire_quotes", stdout=open("/dev/null", "w"))

    case.refresh_from_db()
    quote.refresh_from_db()
    assert quote.status == "expired" and case.status == "declined"
    assert AuditEvent.objects.get(case=case, action="expire_quote").actor_label == "system"


def test_a_quote_is_valid_14_days_by_default(operator):
    case, quote = quoted_case(operator)

    assert quote.expires_at - quote.created_at == pytest.approx(
        datetime.timedelta(days=14), abs=datetime.timedelta(seconds=5))


def test_accepting_an_expired_quote_is_refused_and_the_case_declined(operator):
    case, quote = quoted_case(operator)

    with time_machine.travel(quote.expires_at + datetime.timedelta(hours=1)):
        with pytest.raises(IllegalTransition, match="expired"):
            quote_accept(quote=quote, via="link")

    assert Case.objects.get(pk=case.pk).status == "declined"
    assert not Swap.objects.filter(case=case).exists()


def test_a_quote_answered_once_cannot_be_answered_again(operator):
    case, quote = quoted_case(operator)
    quote_decline(quote=quote, via="link")

    with pytest.raises(IllegalTransition, match="already"):
        quote_accept(quote=Quote.objects.get(pk=quote.pk), via="link")


def test_the_customers_page_shows_the_itemised_quote_without_login(client, operator):
    case, quote = quoted_case(operator)
    case.customer.language = "en"  # the page speaks the customer's language
    case.customer.save()

    response = client.get(reverse("exchanges:quote_public", args=[quote.token]))

    assert response.status_code == 200
    assert b"190.68" in response.content and b"Replacement handset" in response.content


def test_the_customers_page_accepts_the_quote_by_paying_it(client, operator,
                                                           django_capture_on_commit_callbacks):
    case, quote = quoted_case(operator)

    response = client.post(reverse("exchanges:quote_public_answer", args=[quote.token, "accept"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url.removeprefix("http://testserver"), {
            "action": "pay", "number": "4242424242424242", "expiry": "12/39", "cvc": "123",
            "name": "Camille Martin"})

    assert Case.objects.get(pk=case.pk).status == "in_service"


def test_an_answer_that_is_neither_accept_nor_decline_changes_nothing(client, operator):
    case, quote = quoted_case(operator)

    response = client.post(reverse("exchanges:quote_public_answer",
                                   args=[quote.token, "acept"]))

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "awaiting_consent"
    assert Quote.objects.get(pk=quote.pk).status == quote.status


def test_an_unknown_quote_link_is_not_found(client, db):
    response = client.get(reverse("exchanges:quote_public", args=["not-a-real-token"]))

    assert response.status_code == 404


def test_the_quote_pdf_renders(operator):
    case, quote = quoted_case(operator)

    content = quote_pdf(quote=quote, link="https://example.org/q")

    assert content.startswith(b"%PDF") and len(content) > 1000


def test_liquid_damage_is_priced_from_its_own_line(operator):
    case, quote = quoted_case(operator, code="LIQ-01")

    assert quote.subtotal == Decimal("229.00")


def test_revising_a_decision_withdraws_the_pending_quote(supervisor):
    case, quote = quoted_case(supervisor)

    case_revise(case=case, actor=supervisor, reason="Wrong fault code")

    quote.refresh_from_db()
    case.refresh_from_db()
    assert quote.status == "withdrawn" and case.status == "diagnosing"
