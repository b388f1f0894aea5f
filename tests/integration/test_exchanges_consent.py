"""The case workflow on the real PostgreSQL, Redis and a Celery worker: one consent wins, one
decision wins, and customer messages are sent by a worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from diagnostics.models import FaultCode
from diagnostics.reference import fault_codes_load
from diagnostics.selectors import Recommendation
from exchanges.decisions.services import decision_confirm, decision_propose
from exchanges.models import Decision, Quote, Swap
from exchanges.quotes.services import quote_accept, quote_decline
from exchanges.tests.factories import ServicePriceFactory, diagnosing_case
from hotline import services as hotline_services
from hotline.celery import app as celery_app
from hotline.errors import DomainError
from hotline.models import AuditEvent, Case, Notification
from hotline.tests.factories import HandsetFactory, UserFactory
from tests.integration.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue_and_prices():
    fault_codes_load()
    ServicePriceFactory(outcome="swap", category="")


def propose(case, actor, code="BAT-01", action="swap"):
    return decision_propose(
        case=case, actor=actor,
        recommendation=Recommendation(fault_code=FaultCode.objects.get(code=code),
                                      action=action))


def test_two_answers_to_one_quote_at_once_record_exactly_one(catalogue_and_prices):
    operator = UserFactory(roles=["operator"])
    case = diagnosing_case(days_since_purchase=1000, stock=1)
    decision_confirm(decision=propose(case, operator), actor=operator)
    quote = Quote.objects.get(case=case)

    def answer(i):
        fresh = Quote.objects.get(pk=quote.pk)
        if i % 2:
            return quote_decline(quote=fresh, via="link").status
        return quote_accept(quote=fresh, via="signed", signed_by="C. Dupont",
                                     actor=operator).status

    results, errors = run_concurrently(4, answer)

    assert len([r for r in results if r]) == 1 and len(errors) == 3
    assert all(isinstance(error, DomainError) for error in errors)
    case.refresh_from_db()
    quote.refresh_from_db()
    assert case.status == ("in_service" if quote.status == "accepted" else "declined")
    assert Swap.objects.filter(case=case).count() == (1 if quote.status == "accepted" else 0)
    assert AuditEvent.objects.filter(case=case, action__in=["consent", "decline"]).count() == 1


def test_two_operators_confirming_one_decision_at_once_one_wins(catalogue_and_prices):
    operators = [UserFactory(roles=["operator"]) for _ in range(3)]
    case = diagnosing_case(days_since_purchase=100, stock=1)
    decision = propose(case, operators[0])

    def confirm(i):
        with transaction.atomic():
            return decision_confirm(decision=Decision.objects.get(pk=decision.pk),
                                             actor=operators[i]).status

    results, errors = run_concurrently(3, confirm)

    assert results.count("confirmed") == 1 and len(errors) == 2, errors
    assert all("reload" in str(error) for error in errors)
    assert Case.objects.get(pk=case.pk).status == "in_service"
    assert Swap.objects.filter(case=case).count() == 1


def test_a_worker_sends_the_customer_messages_of_a_new_case():
    handset = HandsetFactory()

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=10):
        case = hotline_services.case_open(customer=handset.owner, handset=handset,
                                          symptom="audio")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not Notification.objects.filter(case=case).exclude(status="sent").exists():
                break
            time.sleep(0.2)

    assert sorted(Notification.objects.filter(case=case).values_list("channel", "status")) == [
        ("email", "sent"), ("sms", "sent")]
