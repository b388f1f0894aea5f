"""Reads of payments for the console."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from hotline.models import AuditEvent
from payments.models import Payment


def payment_list(*, status: str = "", q: str = "") -> QuerySet[Payment]:
    payments = Payment.objects.all()
    if status:
        payments = payments.filter(status=status)
    if q:
        payments = payments.filter(Q(reference__iexact=q) | Q(description__icontains=q)
                                   | Q(provider_ref__iexact=q))
    return payments.order_by("-created_at", "-id")


def payments_for(*, subject: str) -> QuerySet[Payment]:
    return Payment.objects.for_subject(subject).prefetch_related("refunds").order_by("-created_at")


def payment_history(*, payment: Payment) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Payment),
                                     object_id=str(payment.pk)).order_by("at", "id")
