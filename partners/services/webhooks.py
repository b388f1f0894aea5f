"""Webhooks: subscriptions, events, signed deliveries in order per case, retries, the log.

An event is recorded (with one delivery per subscription that wants it) in the transaction
that caused it, and its delivery queued through the outbox. A delivery POSTs the event's JSON
signed like Stripe's (`Hotline-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." +
body)>`, hotline.signing). Deliveries of one case to one receiver go out in order: a delivery
waits while an earlier one of the same case is pending. A failure is retried with
exponential backoff (PARTNERS_WEBHOOK_RETRY_BASE_SECONDS doubling, at most 12 hours apart)
for PARTNERS_WEBHOOK_RETRY_DAYS (3); then it is given up. A subscription that failed
PARTNERS_WEBHOOK_DISABLE_AFTER times in a row, or gave a delivery up, is disabled and the
distributor's contact is told by e-mail.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.httpclient import HttpClient, RemoteError
from hotline.outbox import outbox_enqueue
from hotline.signing import HEADER, signature_make
from hotline.workflow import record_event
from partners.errors import PartnerError
from partners.models import (
    DeliveryAttempt,
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from partners.models.webhooks import SUBSCRIBABLE_EVENTS, DeliveryFailure, DisableReason

log = logging.getLogger(__name__)
MAX_BACKOFF = datetime.timedelta(hours=12)
EXCERPT = 500
ANY_STATUS = tuple(range(100, 600))


# --- subscriptions ------------------------------------------------------------------------
def subscription_create(*, distributor, url: str, events: list[str],
                        actor=None) -> tuple[WebhookSubscription, str]:
    """Subscribe a receiver; return it and its signing secret, which is shown only now."""
    url = receiver_check(url)
    events = _events_check(events)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            distributor=distributor, url=url, events=events, secret=secret,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event(subscription, action="webhook_subscribed", actor=actor,
                     data={"url": url, "events": events, "distributor": distributor.code})
    return subscription, secret


def subscription_update(*, subscription: WebhookSubscription, actor=None, url=None,
                        events=None, is_active=None) -> WebhookSubscription:
    """Change a subscription's URL or events, or switch it on or off."""
    fields = []
    if url is not None:
        subscription.url = receiver_check(url)
        fields.append("url")
    if events is not None:
        subscription.events = _events_check(events)
        fields.append("events")
    if is_active is not None and is_active != subscription.is_active:
        subscription.is_active = is_active
        subscription.consecutive_failures = 0
        subscription.disabled_at = None if is_active else timezone.now()
        subscription.disabled_reason = "" if is_active else _("Switched off by %(who)s.") % {
            "who": getattr(actor, "username", "") or _("the distributor")}
        subscription.disabled_code = "" if is_active else DisableReason.BY_HAND
        fields += ["is_active", "consecutive_failures", "disabled_at", "disabled_reason",
                   "disabled_code"]
    if fields:
        with transaction.atomic():
            subscription.save(update_fields=fields)
            record_event(subscription, action="webhook_changed", actor=actor,
                         data={"fields": fields})
        if is_active:
            _queue_pending(subscription)
    return subscription


def subscription_delete(*, subscription: WebhookSubscription, actor=None) -> None:
    with transaction.atomic():
        record_event(subscription, action="webhook_deleted", actor=actor,
                     data={"url": subscription.url})
        subscription.delete()


def receiver_check(url: str) -> str:
    """Return the URL if Hotline may post to it: https (http too under DEBUG), and never a
    private, loopback or link-local address unless PARTNERS_WEBHOOK_ALLOW_PRIVATE (DEBUG)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise PartnerError(_("The receiver must be an https:// URL."), field="url")
    if len(url) > 500:
        raise PartnerError(_("The receiver URL has 500 characters at most."), field="url")
    if not settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE:
        for address in _addresses(parts.hostname, parts.port or 443):
            if not address.is_global:
                raise PartnerError(_("The receiver's address %(address)s is private, loopback "
                                     "or reserved: Hotline posts only to public addresses.")
                                   % {"address": address}, field="url")
    return url


def _addresses(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise PartnerError(_("The receiver's host name %(host)s does not resolve.")
                           % {"host": host}, field="url") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _events_check(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise PartnerError(_("Choose at least one event among: %(events)s.")
                           % {"events": ", ".join(SUBSCRIBABLE_EVENTS)}, field="events")
    unknown = sorted({str(e) for e in events} - set(SUBSCRIBABLE_EVENTS))
    if unknown:
        raise PartnerError(_("Unknown events: %(unknown)s; known: %(events)s.")
                           % {"unknown": ", ".join(unknown),
                              "events": ", ".join(SUBSCRIBABLE_EVENTS)}, field="events")
    return sorted(set(events))


# --- events -------------------------------------------------------------------------------
def webhook_event_emit(*, case, type: str, data: dict, dedupe_key: str = "") -> list:
    """Record the event for every distributor that sees the case and has a subscription to
    it, with its deliveries; queue them after commit. Return the events."""
    distributor_ids = {case.distributor_id, case.handset.sold_by_id if case.handset_id else None}
    distributor_ids.discard(None)
    subscriptions = list(WebhookSubscription.objects.filter(
        distributor_id__in=distributor_ids, is_active=True))
    wanted = [s for s in subscriptions if type in s.events]
    events = []
    for distributor_id in sorted({s.distributor_id for s in wanted}):
        if dedupe_key and WebhookEvent.objects.filter(distributor_id=distributor_id,
                                                      dedupe_key=dedupe_key).exists():
            continue
        event = _event_create(distributor_id=distributor_id, case=case, type=type, data=data,
                              dedupe_key=dedupe_key)
        for subscription in wanted:
            if subscription.distributor_id == distributor_id:
                _delivery_create(event=event, subscription=subscription)
        events.append(event)
    return events


def webhook_test_send(*, subscription: WebhookSubscription, actor=None) -> WebhookDelivery:
    """Send a test event to one subscription (whatever events it chose)."""
    with transaction.atomic():
        event = _event_create(distributor_id=subscription.distributor_id, case=None,
                              type=EventType.TEST,
                              data={"message": "Hello from Hotline: your receiver works."})
        return _delivery_create(event=event, subscription=subscription)


def delivery_redeliver(*, delivery: WebhookDelivery, actor=None) -> WebhookDelivery:
    """Send a delivered or failed event again (same event id: receivers deduplicate)."""
    if delivery.status == DeliveryStatus.PENDING:
        raise PartnerError(_("This delivery is still being tried."), field="delivery")
    if not delivery.subscription.is_active:
        raise PartnerError(_("The subscription is disabled: switch it on first."),
                           field="subscription")
    with transaction.atomic():
        return _delivery_create(event=delivery.event, subscription=delivery.subscription,
                                redelivery_of=delivery)


def _event_create(*, distributor_id, case, type, data, dedupe_key="") -> WebhookEvent:
    event_id = uuid.uuid4()
    now = timezone.now()
    payload = {"id": str(event_id), "type": str(type), "created_at": now, "data": data}
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return WebhookEvent.objects.create(id=event_id, distributor_id=distributor_id, case=case,
                                       type=type, payload=payload, dedupe_key=dedupe_key,
                                       created_at=now)


def _delivery_create(*, event, subscription, redelivery_of=None) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(event=event, subscription=subscription,
                                              case_id=event.case_id,
                                              redelivery_of=redelivery_of)
    outbox_enqueue(task="partners.tasks.webhook_deliver",
                   kwargs={"subscription_id": subscription.pk, "case_id": event.case_id},
                   key=f"webhook-delivery:{delivery.pk}")
    return delivery


def _queue_pending(subscription) -> None:
    from partners.tasks import webhook_deliver

    for case_id in set(subscription.deliveries.pending().values_list("case_id", flat=True)):
        transaction.on_commit(lambda c=case_id: webhook_deliver.delay(
            subscription_id=subscription.pk, case_id=c))


# --- delivering ---------------------------------------------------------------------------
def deliveries_send(*, subscription_id: int, case_id: int | None, now=None) -> int:
    """Send the pending deliveries of one case to one subscription, oldest first, stopping
    at the first failure or at one not yet due. Return how many succeeded."""
    sent = 0
    while True:
        now_ = now or timezone.now()
        with transaction.atomic():
            pending = WebhookDelivery.objects.filter(
                subscription_id=subscription_id, case_id=case_id,
                status=DeliveryStatus.PENDING).order_by("id")
            try:
                delivery = (pending.select_for_update(nowait=True)
                            .select_related("event", "subscription__distributor").first())
            except DatabaseError:
                return sent  # another worker is sending this case: it keeps the order
            if delivery is None or delivery.next_attempt_at > now_ \
                    or not delivery.subscription.is_active:
                return sent
            if not _attempt(delivery, now=now_):
                return sent
            sent += 1


def deliveries_due(*, now=None, limit: int = 1000) -> list[tuple[int, int | None]]:
    """(subscription, case) pairs whose oldest pending delivery is due."""
    now = now or timezone.now()
    return list(WebhookDelivery.objects.due(now=now)
                .filter(subscription__is_active=True)
                .values_list("subscription_id", "case_id").distinct()[:limit])


def _attempt(delivery: WebhookDelivery, *, now) -> bool:
    """POST the event once; log the attempt; schedule a retry or give up. Return success."""
    subscription = delivery.subscription
    body = json.dumps(delivery.event.payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Hotline-Webhooks/1",
               HEADER: signature_make(secret=subscription.secret, body=body),
               "Hotline-Event-Id": str(delivery.event_id),
               "Hotline-Event-Type": delivery.event.type}
    started = time.monotonic()
    status_code, excerpt, failure, error = None, "", "", ""
    try:
        receiver_check(subscription.url)
        parts = urlsplit(subscription.url)
        client = HttpClient(base_url=f"{parts.scheme}://{parts.netloc}",
                            service="webhook receiver", retries=0,
                            timeout=settings.PARTNERS_WEBHOOK_TIMEOUT)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            # Every answer comes back here, whatever its status: its code and body are logged
            # as received.
            response = client.request("POST", path, content=body, headers=headers,
                                      ok=ANY_STATUS)
        finally:
            client.close()
        status_code, excerpt = response.status_code, response.text[:EXCERPT]
        if not 200 <= status_code < 300:
            failure = DeliveryFailure.HTTP_STATUS
    except RemoteError as exc:
        failure = (DeliveryFailure.TIMEOUT if getattr(exc, "failure", "") == "timeout"
                   else DeliveryFailure.UNREACHABLE)
        error = str(exc)[:EXCERPT]
    except PartnerError as exc:
        failure, error = DeliveryFailure.REFUSED, exc.message[:EXCERPT]
    duration = int((time.monotonic() - started) * 1000)
    ok = not failure
    DeliveryAttempt.objects.create(delivery=delivery, at=now, response_status=status_code,
                                   duration_ms=duration, response_excerpt=excerpt,
                                   error_code=failure, error=error)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status_code
    delivery.duration_ms = duration
    delivery.response_excerpt = excerpt
    delivery.error_code = failure
    delivery.error = error
    if ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        subscription.consecutive_failures = 0
        subscription.save(update_fields=["consecutive_failures"])
    else:
        _failed(delivery, subscription, now=now)
    delivery.save()
    log.info("webhook delivery", extra={"delivery": delivery.pk, "event": str(delivery.event_id),
                                        "status": status_code, "ok": ok, "ms": duration})
    return ok


def _failed(delivery, subscription, *, now) -> None:
    give_up_at = delivery.created_at + datetime.timedelta(days=settings.PARTNERS_WEBHOOK_RETRY_DAYS)
    delay = min(MAX_BACKOFF, datetime.timedelta(
        seconds=settings.PARTNERS_WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)))
    gave_up = now + delay > give_up_at
    if gave_up:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + delay
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    if subscription.consecutive_failures >= settings.PARTNERS_WEBHOOK_DISABLE_AFTER or gave_up:
        subscription_disable(subscription=subscription, now=now, code=(
            DisableReason.GAVE_UP if gave_up else DisableReason.FAILURES), reason=(
            _("A delivery failed for %(days)s days.") % {"days": settings.PARTNERS_WEBHOOK_RETRY_DAYS}
            if gave_up else
            _("%(count)s deliveries failed in a row.") % {"count": subscription.consecutive_failures}))


def subscription_disable(*, subscription, now, reason: str,
                         code: str = DisableReason.FAILURES) -> None:
    """Switch a failing subscription off and tell the distributor's contact."""
    if not subscription.is_active:
        return
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:300]
    subscription.disabled_code = code
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason",
                                     "disabled_code"])
    record_event(subscription, action="webhook_disabled", actor_label=gettext_noop("system"), reason=reason)
    contact = subscription.distributor.contact_email
    if contact:
        subject = _("Hotline webhooks to %(url)s are disabled") % {"url": subscription.url}
        message = _("Hotline could not deliver events to %(url)s: %(reason)s\n\nThe "
                    "subscription is switched off. Fix the receiver, then switch it back on "
                    "from the partner page or the API: the pending events will be sent, in "
                    "order.") % {"url": subscription.url, "reason": reason}
        transaction.on_commit(lambda: send_mail(subject, message, None, [contact]))
