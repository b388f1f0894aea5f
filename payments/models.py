"""Payments taken through a provider, their refunds, and the provider pushes received.

Transitions only set fields; payments.services runs them through hotline.workflow.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from payments.domain import PaymentStatus, Purpose, RefundReason, RefundStatus

MONEY = {"max_digits": 10, "decimal_places": 2}
S = PaymentStatus


class PaymentQuerySet(models.QuerySet):
    def for_subject(self, subject: str):
        return self.filter(subject=subject)

    def open(self):
        return self.filter(status__in=[S.CREATED, S.PENDING])

    def paid(self):
        return self.filter(status__in=[S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED])

    def stale(self, *, before):
        return self.open().filter(created_at__lt=before)


class Payment(ConcurrentTransitionMixin, models.Model):
    """Money asked of a customer for a subject (a quote, a charge), paid on the provider's page."""

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    provider = models.CharField(_("provider"), max_length=30)
    provider_ref = models.CharField(_("provider's id"), max_length=120, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    subject = models.CharField(_("for"), max_length=64, db_index=True,
                               help_text=_("What is paid for, as app.model:id."))
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    amount_refunded = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    status = FSMField(_("status"), max_length=20, choices=PaymentStatus.choices,
                      default=S.CREATED, protected=True, db_index=True)
    idempotency_key = models.CharField(max_length=80, unique=True, editable=False)
    redirect_url = models.URLField(_("payment page"), max_length=1000, blank=True)
    return_url = models.URLField(max_length=1000, blank=True)
    customer_email = models.EmailField(_("customer e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    failure_message = models.CharField(_("why it failed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("refund_payment", _("Can refund a payment"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0)
                & models.Q(amount_refunded__lte=models.F("amount")),
                name="payment_refunds_within_amount"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["succeeded", "partially_refunded", "refunded"])
                | models.Q(paid_at__isnull=False),
                name="payment_paid_has_time"),
        ]

    def __str__(self):
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.amount_refunded if self.status in (
            S.SUCCEEDED, S.PARTIALLY_REFUNDED) else Decimal("0")

    @property
    def is_paid(self) -> bool:
        return self.status in (S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED)

    @transition(field=status, source=S.CREATED, target=S.PENDING)
    def start(self, *, provider_ref: str, redirect_url: str):
        """The provider created its payment page; the customer is sent there."""
        self.provider_ref, self.redirect_url = provider_ref, redirect_url

    @transition(field=status, source=[S.PENDING, S.FAILED], target=S.SUCCEEDED)
    def succeed(self, *, at, provider_ref: str = ""):
        """The provider confirmed the money was taken (a card refused first may succeed later)."""
        self.paid_at, self.failure_message = at, ""
        if provider_ref:
            self.provider_ref = provider_ref

    @transition(field=status, source=[S.PENDING, S.FAILED], target=S.FAILED)
    def fail(self, *, message: str):
        """The card was refused; the customer may try again on the same page."""
        self.failure_message = message[:300]

    @transition(field=status, source=[S.CREATED, S.PENDING, S.FAILED], target=S.CANCELED)
    def cancel(self, *, message: str = ""):
        """The customer gave up, or the payment page expired."""
        self.failure_message = message[:300]

    @transition(field=status, source=[S.SUCCEEDED, S.PARTIALLY_REFUNDED], target=S.PARTIALLY_REFUNDED)
    def refund_part(self, *, amount: Decimal):
        """Part of the money went back to the customer."""
        self.amount_refunded += amount

    @transition(field=status, source=[S.SUCCEEDED, S.PARTIALLY_REFUNDED], target=S.REFUNDED)
    def refund_all(self, *, amount: Decimal):
        """The rest of the money went back to the customer."""
        self.amount_refunded += amount


class Refund(models.Model):
    """Money given back on a payment, through the provider that took it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=20, choices=RefundReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.PENDING)
    provider_ref = models.CharField(_("provider's id"), max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True, editable=False)
    failure_message = models.CharField(_("why it failed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.amount} ({self.status})"


class ProviderEventLog(models.Model):
    """A provider push already applied: the same event id twice is applied once."""

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    reference = models.CharField(max_length=24, blank=True)
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"],
                                               name="payments_event_once")]

    def __str__(self):
        return f"{self.provider} {self.event_id} {self.kind}: {self.outcome}"
