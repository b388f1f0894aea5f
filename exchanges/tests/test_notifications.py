"""Customer messages at each milestone: recorded per case, sent after commit, retried, visible."""

from django.core import mail
from django.urls import reverse

from hotline import services as hotline_services
from hotline.models import Case, Notification
from hotline.notifications import notification_retry
from hotline.sms import LocmemSmsBackend
from hotline.tests.factories import CustomerFactory, HandsetFactory


class BrokenSmsBackend:
    def send(self, message):
        raise ConnectionError("SMS gateway unreachable")


def open_case(customer=None, actor=None):
    customer = customer or CustomerFactory(language="en")
    handset = HandsetFactory(owner=customer)
    return hotline_services.case_open(customer=customer, handset=handset,
                                      symptom="battery_drain", actor=actor)


def test_opening_a_case_sends_an_email_and_an_sms_after_commit(
        operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(actor=operator)

    sent = Notification.objects.filter(case=case, template="case_opened")
    assert sorted(sent.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    assert case.number in mail.outbox[0].subject
    assert case.number in LocmemSmsBackend.outbox[0].body


def test_nothing_is_sent_before_the_transaction_commits(operator):
    case = open_case(actor=operator)

    assert Notification.objects.get(case=case, channel="email").status == "queued"
    assert mail.outbox == []


def test_messages_are_written_in_the_customers_language(
        operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(customer=CustomerFactory(language="fr"), actor=operator)

    assert mail.outbox[0].subject == f"Votre dossier {case.number} est ouvert"
    assert Notification.objects.filter(case=case, language="fr").count() == 2


def test_a_failed_send_is_recorded_retried_and_never_rolls_back_the_case(
        operator, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "exchanges.tests.test_notifications.BrokenSmsBackend"

    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(actor=operator)

    sms = Notification.objects.get(case=case, channel="sms")
    assert Case.objects.filter(pk=case.pk, status="open").exists()
    assert sms.status == "failed" and sms.attempts == 6  # first try + 5 retries
    assert "SMS gateway unreachable" in sms.last_error
    assert Notification.objects.get(case=case, channel="email").status == "sent"


def test_an_operator_retries_a_failed_message(operator, settings,
                                              django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "exchanges.tests.test_notifications.BrokenSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(actor=operator)
    settings.SMS_BACKEND = "hotline.sms.LocmemSmsBackend"
    sms = Notification.objects.get(case=case, channel="sms")

    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=sms, actor=operator)

    sms.refresh_from_db()
    assert sms.status == "sent" and sms.last_error == ""


def test_the_case_page_shows_failed_messages_with_a_retry_button(
        operator_client, operator, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "exchanges.tests.test_notifications.BrokenSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(actor=operator)
    sms = Notification.objects.get(case=case, channel="sms")

    response = operator_client.get(reverse("console:case_detail", args=[case.number]))

    assert reverse("console:notification_retry", args=[case.number, sms.pk]).encode() in (
        response.content)
    assert b"SMS gateway unreachable" in response.content


def test_a_customer_without_email_gets_only_the_sms(operator):
    case = open_case(customer=CustomerFactory(email=""), actor=operator)

    assert list(Notification.objects.filter(case=case).values_list("channel", flat=True)) == [
        "sms"]
