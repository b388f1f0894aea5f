"""A repeat contact about the same handset within the follow-up window reopens the case; after
the window the case closes."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hotline import services as hotline_services
from hotline.models import AuditEvent, Case
from hotline.tests.factories import CaseFactory, HandsetFactory
from hotline.workflow import transition


@pytest.fixture
def advised_case(operator):
    handset = HandsetFactory()
    case = CaseFactory(handset=handset, customer=handset.owner, status="diagnosing")
    transition(case, "advise", actor=operator)
    return case


def test_a_repeat_contact_within_the_window_reopens_the_case(advised_case, operator):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        found = hotline_services.case_open(customer=advised_case.customer,
                                           handset=advised_case.handset,
                                           symptom="battery_drain", actor=operator)

    assert found.pk == advised_case.pk
    assert found.status == "diagnosing" and found.reopened_count == 1
    assert Case.objects.filter(handset=advised_case.handset).count() == 1
    assert AuditEvent.objects.get(case=found, action="reopen").reason == "repeat contact"


def test_a_contact_after_the_window_opens_a_new_case(advised_case, operator):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        found = hotline_services.case_open(customer=advised_case.customer,
                                           handset=advised_case.handset,
                                           symptom="battery_drain", actor=operator)

    assert found.pk != advised_case.pk and found.status == "open"


def test_a_contact_about_another_handset_opens_a_new_case(advised_case, operator):
    other = HandsetFactory(owner=advised_case.customer)

    found = hotline_services.case_open(customer=advised_case.customer, handset=other,
                                       symptom="screen", actor=operator)

    assert found.pk != advised_case.pk


def test_settled_cases_close_when_the_follow_up_window_is_over(advised_case):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        call_command("close_cases", stdout=open("/dev/null", "w"))

    advised_case.refresh_from_db()
    assert advised_case.status == "closed"
    assert AuditEvent.objects.get(case=advised_case, action="close").actor_label == "system"


def test_settled_cases_stay_open_during_the_follow_up_window(advised_case):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        closed = hotline_services.case_close_due()

    advised_case.refresh_from_db()
    assert closed == 0 and advised_case.status == "advised"


def test_the_follow_up_window_is_configurable(advised_case, settings):
    settings.HOTLINE_CASE_FOLLOW_UP_DAYS = 2

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        closed = hotline_services.case_close_due()

    assert closed == 1
