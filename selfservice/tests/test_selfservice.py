"""The customer's tracking page: the signed link, the look-up and its limits, what it shows,
questions and their answers, and the changes a customer makes."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Swap
from exchanges.tests.factories import (
    StockUnitFactory,
    TechnicianFactory,
    booked_visit,
    fault,
    swap_case,
)
from hotline.models import AuditEvent, Notification
from hotline.notifications import notification_render, notification_send
from hotline.tests.factories import CaseFactory, UserFactory
from selfservice import demo, services
from selfservice.models import FollowUp, FollowUpStatus
from selfservice.selectors import what_to_prepare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def case(fault_codes):
    return CaseFactory(status="diagnosing")


def test_the_signed_link_opens_the_case_and_an_altered_one_does_not(client, case):
    token = services.tracking_token(case)

    good = client.get(reverse("selfservice:track", args=[token]))
    bad = client.get(reverse("selfservice:track", args=[token[:-2] + "xx"]))

    assert good.status_code == 200 and case.number.encode() in good.content
    assert bad.status_code == 404


def test_a_link_older_than_its_lifetime_no_longer_opens(client, case, settings):
    settings.SELFSERVICE_LINK_DAYS = 30
    token = services.tracking_token(case)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = client.get(reverse("selfservice:track", args=[token]))

    assert response.status_code == 404


def test_the_case_number_and_postcode_lead_to_the_page(client, case):
    response = client.post(reverse("selfservice:lookup"), {"number": case.number.lower(),
                                                           "postcode": "75 002"})

    assert response.status_code == 302
    assert response.url == reverse("selfservice:track", args=[services.tracking_token(case)])


def test_a_wrong_postcode_and_an_unknown_case_get_the_same_answer(client, case):
    wrong = client.post(reverse("selfservice:lookup"), {"number": case.number, "postcode": "69001"})
    unknown = client.post(reverse("selfservice:lookup"), {"number": "HL-1999-999999",
                                                          "postcode": "75002"})

    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_guessing_is_stopped_per_address(client, case, settings):
    settings.SELFSERVICE_LOOKUP_LIMIT = 3
    for attempt in range(3):
        client.post(reverse("selfservice:lookup"), {"number": f"HL-2026-00000{attempt}",
                                                    "postcode": "75002"})

    response = client.post(reverse("selfservice:lookup"), {"number": case.number, "postcode": "75002"})

    assert response.status_code == 429 and b"Too many attempts" in response.content


def test_guessing_one_case_from_many_addresses_is_stopped_too(client, case, settings):
    settings.SELFSERVICE_LOOKUP_LIMIT = 3
    for attempt in range(3):
        client.post(reverse("selfservice:lookup"), {"number": case.number, "postcode": f"6900{attempt}"},
                    REMOTE_ADDR=f"10.0.0.{attempt}")

    response = client.post(reverse("selfservice:lookup"), {"number": case.number, "postcode": "75002"},
                           REMOTE_ADDR="10.0.0.99")

    assert response.status_code == 429


def test_the_page_speaks_the_public_vocabulary_and_names_no_operator(client, case):
    operator = UserFactory(username="olivia.operator", first_name="Olivia", roles=["operator"])
    AuditEvent.objects.create(content_type_id=1, object_id="1", case=case, actor=operator,
                              action="note", reason="internal: customer sounded annoyed")

    response = client.get(reverse("selfservice:track", args=[services.tracking_token(case)]))

    content = response.content.decode()
    assert response.context["status"]["code"] == "diagnosing"
    assert "Olivia" not in content and "annoyed" not in content and "olivia.operator" not in content


def test_the_page_follows_the_customers_language(client, case):
    case.customer.language = "en"
    case.customer.save()

    response = client.get(reverse("selfservice:track", args=[services.tracking_token(case)]))

    assert b"Questions" in response.content and b'lang="en"' in response.content


def swap_order(status, category_code="BAT-01"):
    case, decision = swap_case()
    unit = StockUnitFactory(model=case.handset.model, variant=case.handset.variant)
    return Swap.objects.create(case=case, decision=decision, fault_code=fault(category_code),
                               model=case.handset.model, status=status, unit=unit,
                               warehouse=unit.warehouse, street="12 rue de la Paix",
                               postcode="75002", city="Paris", country="FR")


def test_a_phone_that_will_not_power_on_is_never_told_to_back_up(fault_codes, prices):
    power = swap_order("delivery_failed", "PWR-01")
    battery = swap_order("delivery_failed", "BAT-01")

    dead = " ".join(what_to_prepare(case=power.case, swap=power, visit=None))
    alive = " ".join(what_to_prepare(case=battery.case, swap=battery, visit=None))

    assert "Back up" not in dead and "SIM" in dead
    assert "Back up" in alive


def test_a_customer_rebooks_a_failed_delivery_for_another_day(client, fault_codes, prices):
    swap = swap_order("delivery_failed")
    token = services.tracking_token(swap.case)
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())

    response = client.post(reverse("selfservice:rebook", args=[token, swap.pk]),
                           {"choice": "day", "ship_on": monday.isoformat()})

    swap.refresh_from_db()
    assert response.status_code == 302
    assert swap.ship_on == monday and swap.booking_attempt == 1
    event = AuditEvent.objects.filter(action="swap_rebooked", object_id=str(swap.pk)).first()
    assert event is None or "self-service" in event.reason


def test_a_weekend_day_or_a_bad_postcode_is_refused_naming_the_field(client, fault_codes, prices):
    swap = swap_order("held_at_depot")
    token = services.tracking_token(swap.case)
    saturday = timezone.localdate() + datetime.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    url = reverse("selfservice:rebook", args=[token, swap.pk])

    day = client.post(url, {"choice": "day", "ship_on": saturday.isoformat()})
    address = client.post(url, {"choice": "address", "street": "1 rue X", "postcode": "ABCDE",
                                "city": "Paris"})

    assert "ship_on" in day.context["form"].errors
    assert "postcode" in address.context["form"].errors
    swap.refresh_from_db()
    assert swap.booking_attempt == 0


def test_a_delivered_swap_cannot_be_rebooked_from_the_page(client, fault_codes, prices):
    swap = swap_order("delivered")

    response = client.post(reverse("selfservice:rebook", args=[services.tracking_token(swap.case), swap.pk]),
                           {"choice": "address", "street": "1 rue X", "postcode": "75001", "city": "Paris"})

    assert "cannot be changed" in response.content.decode()


def test_a_question_gets_a_promise_of_one_working_day(case):
    friday_evening = datetime.datetime(2026, 12, 4, 18, 0, tzinfo=datetime.UTC)

    with time_machine.travel(friday_evening):
        follow_up = services.followup_open(case=case, kind="question", message="Where is my phone?")

    assert timezone.localtime(follow_up.due_at).date() == datetime.date(2026, 12, 7)


def test_the_answer_reaches_the_customer_and_shows_on_the_page(client, case, operator,
                                                              django_capture_on_commit_callbacks):
    follow_up = services.followup_open(case=case, kind="complaint", message="Nobody called me back")
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("selfservice:followup_answer", args=[follow_up.pk]),
                    {"answer": "Nous vous rappelons demain matin."})
    client.logout()
    page = client.get(reverse("selfservice:track", args=[services.tracking_token(case)]))

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.ANSWERED and follow_up.answered_by == operator
    assert any("Nous vous rappelons demain matin." in message.body for message in mail.outbox)
    assert "Nous vous rappelons demain matin." in page.content.decode()


def test_the_queue_shows_the_oldest_promise_first_and_the_share_on_time(client, case, supervisor):
    late = services.followup_open(case=case, kind="question", message="first")
    FollowUp.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    services.followup_open(case=case, kind="question", message="second")
    client.force_login(supervisor)

    response = client.get(reverse("selfservice:followups"))

    items = list(response.context["page"].object_list)
    assert [item.message for item in items] == ["first", "second"] and items[0].late
    assert response.context["measure"]["overdue"] == 1


def test_an_empty_question_is_refused(client, case):
    response = client.post(reverse("selfservice:ask", args=[services.tracking_token(case)]),
                           {"kind": "question", "message": "  "}, follow=True)

    assert not FollowUp.objects.exists() and response.status_code == 200


def test_the_customer_confirms_the_technicians_window(client, fault_codes):
    technician = TechnicianFactory()
    visit = booked_visit(technician=technician, start=timezone.now() + datetime.timedelta(days=1))

    client.post(reverse("selfservice:confirm_window", args=[services.tracking_token(visit.case), visit.pk]))

    assert AuditEvent.objects.filter(action="visit_window_confirmed", object_id=str(visit.pk)).exists()


def test_every_customer_message_carries_the_tracking_link(case):
    notification = notification_send(case=case, template="followup_received", channels=("email",),
                                     context={"due_on": "2026-12-07"})[0]

    body = notification_render(notification=notification)["body"]

    assert services.tracking_link(case) in body
    assert isinstance(Notification.objects.get(pk=notification.pk).context["tracking_link"], str)


def test_the_case_page_shows_the_customers_questions_to_the_operator(client, case, operator):
    services.followup_open(case=case, kind="question", message="Is the courier coming today?")
    client.force_login(operator)

    response = client.get(reverse("console:case_detail", args=[case.number]))

    assert "Is the courier coming today?" in response.content.decode()



def test_the_demo_adds_one_waiting_question_and_prints_the_link(case):
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)

    assert FollowUp.objects.filter(case=case).count() == 1
    assert "/track/" in out.getvalue()
