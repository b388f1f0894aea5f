"""Written messages to customers at each milestone of a case, in the customer's language.

`notification_send()` records one Notification per channel the customer can be reached on, in
the caller's transaction, and hands each to the outbox; the `hotline.tasks.notification_deliver`
task renders and sends it after commit, retried with backoff. A failed send is recorded on the
notification (visible on the case page, with a retry button) and never rolls the case back.
"""

from __future__ import annotations

import datetime
import logging
import re
from decimal import Decimal

from django.apps import apps
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hotline.errors import DomainError
from hotline.models import Case, Notification, NotificationChannel, NotificationStatus
from hotline.outbox import outbox_enqueue
from hotline.sms import send_sms
from hotline.workflow import record_event

log = logging.getLogger(__name__)

TASK = "hotline.tasks.notification_deliver"


class DeliveryFailed(Exception):
    """The backend refused or could not be reached; the task retries."""


def _sms_number(customer) -> str:
    phone = customer.phones.order_by("id").filter(kind="mobile").first() or (
        customer.phones.order_by("id").first())
    return str(phone.number) if phone else ""


def notification_send(
    *, case: Case, template: str, context: dict | None = None, attachment: str = "",
    attachment_kwargs: dict | None = None, channels: tuple[str, ...] = ("email", "sms"),
) -> list[Notification]:
    """Record the messages of milestone `template` for the case's customer and queue them."""
    customer = case.customer
    base = {"case_number": case.number, "customer_name": customer.full_name}
    for provider in context_providers():
        base.update(import_string(provider)(case))
    base.update(context or {})
    recipients = {NotificationChannel.EMAIL: customer.email,
                  NotificationChannel.SMS: _sms_number(customer)}
    created = []
    for channel in channels:
        recipient = recipients[channel]
        if not recipient:
            continue
        notification = Notification.objects.create(
            case=case, channel=channel, template=template, language=customer.language or "fr",
            recipient=recipient, context=base,
            attachment=attachment if channel == NotificationChannel.EMAIL else "",
            attachment_kwargs=(attachment_kwargs or {}) if channel == NotificationChannel.EMAIL
            else {},
        )
        outbox_enqueue(task=TASK, kwargs={"notification_id": notification.pk},
                       key=f"notification-{notification.pk}")
        created.append(notification)
    return created


def context_providers() -> list[str]:
    """Dotted paths of `(case) -> dict` callables (apps' `notification_context`) whose values
    every customer message may use, such as the tracking page's link."""
    found: list[str] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "notification_context", ()))
    return list(dict.fromkeys(found))


def notification_render(*, notification: Notification) -> dict[str, str]:
    """Return the subject and body of the notification, in its language."""
    key = notification.template
    with translation.override(notification.language):
        context = {name: _localised(value) for name, value in notification.context.items()}
        if notification.channel == NotificationChannel.SMS:
            body = render_to_string(f"notifications/{key}_sms.txt", context).strip()
            return {"subject": "", "body": body + _footer(context, body, sms=True)}
        body = render_to_string(f"notifications/{key}_email.txt", context).strip()
        return {
            "subject": " ".join(render_to_string(
                f"notifications/{key}_subject.txt", context).split()),
            "body": body + _footer(context, body, sms=False) + "\n",
        }


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_AMOUNT = re.compile(r"-?\d+\.\d{2}\Z")  # money, stored as str(Decimal): "199.00"
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?\Z")


def _localised(value):
    """A date or date-time of the context (ISO, as stored) written in the active language:
    "mardi 1 décembre 2026 12:00", "Tuesday 1 December 2026 12:00"; an amount too: "199,00"."""
    if not isinstance(value, str):
        return value
    if _AMOUNT.match(value):
        return formats.number_format(Decimal(value), 2)
    if _ISO_DAY.match(value):
        return formats.date_format(datetime.date.fromisoformat(value), "l j F Y")
    if _ISO_TIME.match(value):
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "l j F Y H:i")
    return value


def _footer(context: dict, body: str, *, sms: bool) -> str:
    """The line every message ends with: where the customer follows the case online."""
    link = context.get("tracking_link")
    if not link or link in body:
        return ""
    if sms:
        return " " + _("Follow your case: %(link)s") % {"link": link}
    return "\n\n" + _("Follow your case, ask a question or change a delivery online: %(link)s") % {
        "link": link}


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one queued notification; record success or the failure (and raise DeliveryFailed)."""
    notification = Notification.objects.select_related("case").filter(pk=notification_id).first()
    if notification is None:
        log.warning("notification gone", extra={"notification": notification_id})
        return None
    if notification.status == NotificationStatus.SENT:
        return notification  # a retried task after success: nothing to do
    Notification.objects.filter(pk=notification.pk).update(attempts=notification.attempts + 1)
    notification.attempts += 1
    try:
        rendered = notification_render(notification=notification)
        if notification.channel == NotificationChannel.EMAIL:
            message = EmailMessage(subject=rendered["subject"], body=rendered["body"],
                                   to=[notification.recipient])
            if notification.attachment:
                filename, content, mimetype = import_string(notification.attachment)(
                    **notification.attachment_kwargs)
                message.attach(filename, content, mimetype)
            message.send(fail_silently=False)
            provider_id = ""
        else:
            provider_id = send_sms(to=notification.recipient, body=rendered["body"]) or ""
    except Exception as exc:  # any backend error: record it, then let the task retry
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, last_error=error)
        notification.status, notification.last_error = NotificationStatus.FAILED, error
        log.warning("notification failed", extra={"case": notification.case.number,
                                                  "notification": notification.pk,
                                                  "template": notification.template,
                                                  "error": error})
        raise DeliveryFailed(error) from exc
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, sent_at=now, last_error="", provider_id=provider_id[:120])
    notification.status, notification.sent_at = NotificationStatus.SENT, now
    log.info("notification sent", extra={"case": notification.case.number,
                                         "notification": notification.pk,
                                         "template": notification.template})
    return notification


def notification_retry(*, notification: Notification, actor=None) -> Notification:
    """Queue a failed notification again (an operator pressed retry)."""
    if notification.status != NotificationStatus.FAILED:
        raise DomainError(_("Only a failed message can be sent again."), code="not_failed")
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.QUEUED)
        notification.status = NotificationStatus.QUEUED
        outbox_enqueue(task=TASK, kwargs={"notification_id": notification.pk},
                       key=f"notification-{notification.pk}-retry-{notification.attempts}")
        record_event(notification.case, action="notification_retried", actor=actor,
                     data={"notification": notification.pk, "template": notification.template,
                           "channel": notification.channel})
    return notification
