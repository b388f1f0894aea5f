"""Tell the QA group: an e-mail per new alert (and the optional webhook), the Monday report."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hotline.roles import QA
from quality.models import Alert
from quality.warning import alert_json

log = logging.getLogger(__name__)


def qa_recipients() -> list[str]:
    users = get_user_model().objects.filter(groups__name=QA, is_active=True).exclude(email="")
    return sorted({*users.values_list("email", flat=True), *settings.QUALITY_REPORT_EMAILS})


def alert_notify(*, alert_id: int) -> int:
    """E-mail the QA group about a new alert and call the webhook; return e-mails sent."""
    alert = Alert.objects.select_related("model", "fault_code", "batch").get(pk=alert_id)
    url = settings.SITE_URL + reverse("quality:alert", args=[alert.pk])
    recipients = qa_recipients()
    sent = 0
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"alert": alert, "url": url}
            subject = render_to_string("quality/email/alert_subject.txt", context).strip()
            body = render_to_string("quality/email/alert_body.txt", context)
        sent = EmailMessage(subject=subject, body=body, to=recipients).send()
    if settings.QUALITY_ALERT_WEBHOOK_URL:
        payload = {"event": "quality.alert.raised", "url": url, **alert_json(alert)}
        response = httpx.post(settings.QUALITY_ALERT_WEBHOOK_URL, json=payload, timeout=10)
        response.raise_for_status()
    return sent
