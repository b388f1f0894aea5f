"""Payment use cases: start a payment, apply what the provider says, refund, sweep abandoned.

Guard -> change -> audit in one transaction -> effects after commit through the outbox: the
apps that care (`payment_subscribers` on their AppConfig, e.g. exchanges recording consent
and dispatching when a quote is paid) are told through `payments.tasks.payment_notify`.
Provider calls happen outside our transactions, with idempotency keys, so a retry after a
crash or a timeout never takes or gives back money twice.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Mapping
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.outbox import outbox_enqueue
from hotline.services import sequence_next
from hotline.workflow import transition
from payments.domain import (
    EventKind,
    IntentRequest,
    PaymentError,
    PaymentStatus,
    ProviderError,
    ProviderEvent,
    Purpose,
    RefundReason,
    RefundRequest,
    RefundStatus,
)
from payments.models import Payment, ProviderEventLog, Refund
from payments.registry import provider_get

log = logging.getLogger(__name__)
CENT = Decimal("0.01")
RECEIPT_SALT = "payments.receipt"


def _reference(prefix: str) -> str:
    year = timezone.now().year
    return f"{prefix}-{year}-{sequence_next(name=f'{prefix.lower()}-{year}'):06d}"


# --- starting a payment ------------------------------------------------------------------------
def payment_start(
    *, purpose: str, subject: str, amount: Decimal, currency: str, description: str,
    return_url: str, cancel_url: str, customer_email: str = "", language: str = "en",
    provider: str | None = None, metadata: Mapping[str, str] | None = None,
) -> Payment:
    """Return the payment the customer should complete for `subject`, creating it if needed.

    An open payment of the same amount is reused (a second click sends the customer to the
    same page); a subject already paid is refused.
    """
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise PaymentError(_("The amount to pay must be more than zero."), field="amount")
    if purpose not in Purpose.values:
        raise PaymentError(_("Unknown payment purpose %(purpose)r.") % {"purpose": purpose},
                           field="purpose")
    adapter = provider_get(provider)
    with transaction.atomic():
        existing = Payment.objects.select_for_update().for_subject(subject)
        if existing.paid().exists():
            raise PaymentError(_("This has already been paid."), code="already_paid")
        payment = existing.open().filter(amount=amount, currency=currency.upper(),
                                         provider=adapter.code).first()
        if payment is None:
            reference = _reference("PAY")
            payment = Payment.objects.create(
                reference=reference, provider=adapter.code, purpose=purpose, subject=subject,
                description=description[:200], amount=amount, currency=currency.upper(),
                idempotency_key=f"payments:{reference}:intent", return_url=return_url,
                customer_email=customer_email, language=language[:10])
    if payment.status == PaymentStatus.PENDING:
        return payment
    try:
        intent = adapter.create_intent(IntentRequest(
            reference=payment.reference, amount=payment.amount, currency=payment.currency,
            description=payment.description, return_url=return_url, cancel_url=cancel_url,
            idempotency_key=payment.idempotency_key, customer_email=customer_email,
            locale=language, metadata=dict(metadata or {})))
    except ProviderError as exc:
        log.warning("payment start failed", extra={"payment": payment.reference,
                                                   "provider": adapter.code, "error": str(exc)})
        raise PaymentError(_("The payment service cannot be reached just now: please try again "
                             "in a few minutes."), code="provider_unavailable") from None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.CREATED:
            transition(payment, "start", actor_label=gettext_noop("customer"),
                       provider_ref=intent.provider_ref,
                       redirect_url=intent.redirect_url,
                       data={"payment": payment.reference, "amount": str(payment.amount),
                             "currency": payment.currency, "provider": adapter.code})
    return payment


# --- what the provider says --------------------------------------------------------------------
def webhook_receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> list[str]:
    """Verify and apply a provider's push; return one outcome per event (WebhookRejected)."""
    adapter = provider_get(provider)
    return [event_apply(provider=adapter.code, event=event)
            for event in adapter.parse_webhook(body=body, headers=headers)]


def event_apply(*, provider: str, event: ProviderEvent) -> str:
    """Apply one provider event once; return what happened (applied, duplicate, ignored...)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                logged = ProviderEventLog.objects.create(
                    provider=provider, event_id=event.event_id[:120], kind=event.kind,
                    reference=event.reference[:24], outcome="received")
        except IntegrityError:
            return "duplicate"
        if event.kind in (EventKind.REFUND_SUCCEEDED, EventKind.REFUND_FAILED):
            outcome = _apply_refund_event(provider, event)
        else:
            outcome = _apply_payment_event(provider, event)
        logged.outcome = outcome
        logged.save(update_fields=["outcome"])
    log.info("payment event", extra={"provider": provider, "event": event.event_id,
                                     "kind": event.kind, "reference": event.reference,
                                     "outcome": outcome})
    return outcome


def _apply_payment_event(provider: str, event: ProviderEvent) -> str:
    payment = (Payment.objects.select_for_update()
               .filter(reference=event.reference, provider=provider).first())
    if payment is None:
        return "unknown_payment"
    data = {"payment": payment.reference, "event": event.event_id}
    if event.kind == EventKind.SUCCEEDED:
        if payment.is_paid:
            return "already_paid"
        if event.amount is not None and (event.amount != payment.amount
                                         or event.currency.upper() != payment.currency):
            log.warning("payment amount mismatch", extra={
                "payment": payment.reference, "expected": f"{payment.amount} {payment.currency}",
                "received": f"{event.amount} {event.currency}"})
            return "amount_mismatch"
        if payment.status == PaymentStatus.CANCELED:
            # Money arrived after the page was given up on: keep it visible for a refund.
            log.warning("payment after abandonment", extra={"payment": payment.reference})
            return "paid_after_cancel"
        transition(payment, "succeed", actor_label=provider, at=event.occurred_at,
                   provider_ref=event.provider_ref, data=data)
    elif event.kind == EventKind.FAILED:
        if payment.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED):
            return "ignored"
        transition(payment, "fail", actor_label=provider, message=event.message, data=data)
    elif event.kind == EventKind.CANCELED:
        if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.FAILED):
            return "ignored"
        transition(payment, "cancel", actor_label=provider, message=event.message, data=data)
    _notify(payment, event.kind, key=event.event_id)
    return "applied"


def _apply_refund_event(provider: str, event: ProviderEvent) -> str:
    refund = Refund.objects.select_for_update().filter(reference=event.reference).first()
    if refund is None or refund.payment.provider != provider:
        return "unknown_refund"
    status = RefundStatus.SUCCEEDED if event.kind == EventKind.REFUND_SUCCEEDED else RefundStatus.FAILED
    return "applied" if _settle(refund, status=status, provider_ref=event.provider_ref,
                                message=event.message) else "already_settled"


def _notify(payment: Payment, kind: str, *, key: str) -> None:
    for subscriber in subscribers():
        digest = hashlib.sha256(f"{payment.reference}:{kind}:{key}:{subscriber}".encode()).hexdigest()
        outbox_enqueue(task="payments.tasks.payment_notify",
                       kwargs={"payment_id": payment.pk, "kind": str(kind), "subscriber": subscriber},
                       key=f"payments:{digest[:40]}")


def subscribers() -> list[str]:
    """Return the dotted paths of every payment subscriber (apps' `payment_subscribers`)."""
    found: list[str] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "payment_subscribers", ()))
    return list(dict.fromkeys(found))


def subscriber_call(*, payment_id: int, kind: str, subscriber: str) -> None:
    """Call one subscriber with (payment, kind); subscribers must be idempotent."""
    import_string(subscriber)(Payment.objects.get(pk=payment_id), kind)


# --- refunds -----------------------------------------------------------------------------------
def refund_create(*, payment: Payment, amount: Decimal, reason: str, note: str = "",
                  actor=None) -> Refund:
    """Give `amount` back through the provider that took it; refused beyond what is left."""
    amount = Decimal(amount).quantize(CENT)
    if reason not in RefundReason.values:
        raise PaymentError(_("Choose why the money is refunded."), field="reason")
    if amount <= 0:
        raise PaymentError(_("The refund must be more than zero."), field="amount")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        pending = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(
            total=Sum("amount"))["total"] or Decimal("0")
        left = payment.refundable - pending
        if not payment.is_paid or amount > left:
            raise PaymentError(
                _("At most %(left)s %(currency)s of payment %(payment)s can still be refunded.")
                % {"left": max(left, Decimal("0")), "currency": payment.currency,
                   "payment": payment.reference}, field="amount", code="refund_too_large")
        reference = _reference("RFD")
        refund = Refund.objects.create(
            payment=payment, reference=reference, amount=amount, reason=reason, note=note[:300],
            idempotency_key=f"payments:{reference}:refund",
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
    return refund_send(refund=refund)


def refund_send(*, refund: Refund) -> Refund:
    """Ask the provider for a pending refund (again: the idempotency key makes it once)."""
    payment = refund.payment
    try:
        result = provider_get(payment.provider).refund(RefundRequest(
            reference=refund.reference, payment_ref=payment.provider_ref, amount=refund.amount,
            currency=payment.currency, reason=refund.reason, idempotency_key=refund.idempotency_key))
    except ProviderError as exc:
        log.warning("refund failed", extra={"refund": refund.reference, "error": str(exc)})
        if exc.permanent:
            _settle(refund, status=RefundStatus.FAILED, message=str(exc))
            refund.refresh_from_db()
            return refund
        return refund  # stays pending; payments.tasks.refunds_retry sends it again
    if result.status != RefundStatus.PENDING:
        _settle(refund, status=result.status, provider_ref=result.provider_ref, message=result.message)
    else:
        Refund.objects.filter(pk=refund.pk).update(provider_ref=result.provider_ref)
    refund.refresh_from_db()
    return refund


def _settle(refund: Refund, *, status: str, provider_ref: str = "", message: str = "") -> bool:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status != RefundStatus.PENDING:
            return False
        refund.status, refund.settled_at = status, timezone.now()
        refund.provider_ref = provider_ref or refund.provider_ref
        refund.failure_message = message[:300]
        refund.save()
        if status == RefundStatus.SUCCEEDED:
            payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
            whole = payment.amount_refunded + refund.amount >= payment.amount
            transition(payment, "refund_all" if whole else "refund_part", actor=refund.created_by,
                       actor_label="" if refund.created_by else "system",
                       amount=refund.amount, reason=refund.get_reason_display(),
                       data={"payment": payment.reference, "refund": refund.reference,
                             "amount": str(refund.amount), "currency": payment.currency})
            _notify(payment, EventKind.REFUND_SUCCEEDED, key=refund.reference)
    return True


def refunds_retry(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Send again every refund still pending without a provider id; return how many."""
    due = Refund.objects.filter(status=RefundStatus.PENDING, provider_ref="",
                                created_at__lt=timezone.now() - older_than)
    return sum(1 for refund in due[:200] if refund_send(refund=refund))


# --- abandonment ---------------------------------------------------------------------------------
def payments_abandon_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark as abandoned the payments left open past PAYMENTS_ABANDON_AFTER_HOURS."""
    now = now or timezone.now()
    before = now - datetime.timedelta(hours=settings.PAYMENTS_ABANDON_AFTER_HOURS)
    count = 0
    for payment_id in Payment.objects.stale(before=before).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
                continue
            transition(payment, "cancel", actor_label=gettext_noop("system"),
                       message=_("Not completed within %(hours)s hours.")
                       % {"hours": settings.PAYMENTS_ABANDON_AFTER_HOURS},
                       data={"payment": payment.reference})
            _notify(payment, EventKind.CANCELED, key="abandoned")
        count += 1
    return count


# --- receipts ------------------------------------------------------------------------------------
def receipt_token(payment: Payment) -> str:
    return signing.dumps(payment.reference, salt=RECEIPT_SALT)


def receipt_url(payment: Payment) -> str:
    """Return the customer's link to the payment's receipt (signed; no login)."""
    return settings.SITE_URL + reverse("payments:receipt", args=[payment.reference]) + \
        f"?t={receipt_token(payment)}"


def receipt_token_valid(payment: Payment, token: str) -> bool:
    try:
        return signing.loads(token, salt=RECEIPT_SALT) == payment.reference
    except signing.BadSignature:
        return False
