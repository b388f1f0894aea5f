"""The providers' webhook endpoint, the sandbox's card page, receipts, and the console's
payments pages (list, detail, refund)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hotline.capabilities import capability_required, has_capability
from payments import selectors, services
from payments.capabilities import MANAGE_PAYMENTS, VIEW_PAYMENTS
from payments.domain import EventKind, PaymentError, PaymentStatus, UnknownProvider, WebhookRejected
from payments.forms import CardForm, RefundForm
from payments.models import Payment
from payments.pdf import receipt_pdf
from payments.registry import providers_all
from payments.sandbox import TEST_CARDS, SandboxPayments, card_outcome

log = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 256_000


@csrf_exempt
@require_POST
def webhook(request, provider):
    """Receive a provider's push: 401 (nothing stored) unless signed and fresh."""
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"detail": "Body too large."}, status=413)
    try:
        outcomes = services.webhook_receive(provider=provider, body=request.body, headers=request.headers)
    except UnknownProvider:
        raise Http404 from None
    except WebhookRejected as exc:
        log.info("payment webhook rejected", extra={"provider": provider, "reason": str(exc)})
        return JsonResponse({"detail": str(exc)}, status=401)
    return JsonResponse({"outcomes": outcomes})


def _sandbox() -> SandboxPayments:
    adapter = providers_all().get(SandboxPayments.code)
    if adapter is None:
        raise Http404
    return adapter


def sandbox_checkout(request, provider_ref):
    """The sandbox provider's simulated card page (only when the sandbox is configured)."""
    adapter = _sandbox()
    payment = get_object_or_404(Payment, provider=adapter.code, provider_ref=provider_ref)
    form = CardForm(request.POST or None)
    if request.method == "POST" and payment.status in (PaymentStatus.PENDING, PaymentStatus.FAILED):
        if request.POST.get("action") == "cancel":
            _push(adapter, payment, EventKind.CANCELED, _("You left the payment page."))
            return redirect(payment.return_url or "/")
        if form.is_valid():
            paid, message = card_outcome(form.cleaned_data["number"])
            _push(adapter, payment, EventKind.SUCCEEDED if paid else EventKind.FAILED, message)
            if paid:
                return redirect(payment.return_url or "/")
            payment.refresh_from_db()
    return render(request, "payments/sandbox_checkout.html",
                  {"payment": payment, "form": form, "test_cards": TEST_CARDS,
                   "open": payment.status in (PaymentStatus.PENDING, PaymentStatus.FAILED)})


def _push(adapter: SandboxPayments, payment: Payment, kind: EventKind, message: str) -> None:
    body, headers = adapter.push(kind=kind, reference=payment.reference,
                                 provider_ref=payment.provider_ref, message=message)
    services.webhook_receive(provider=adapter.code, body=body, headers=headers)


def receipt(request, reference):
    """The receipt PDF: by the customer's signed link, or for the console's staff."""
    payment = get_object_or_404(Payment, reference=reference)
    allowed = services.receipt_token_valid(payment, request.GET.get("t", "")) or (
        has_capability(request.user, VIEW_PAYMENTS))
    if not allowed or not payment.is_paid:
        raise Http404
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.reference}.pdf"'
    return response


@capability_required(MANAGE_PAYMENTS)
def payment_list(request):
    status = request.GET.get("status", "")
    if status and status not in PaymentStatus.values:
        messages.error(request, _("Unknown status %(status)r.") % {"status": status})
        status = ""
    page = Paginator(selectors.payment_list(status=status, q=request.GET.get("q", "").strip()), 50
                     ).get_page(request.GET.get("page"))
    return render(request, "payments/payment_list.html",
                  {"page": page, "status": status, "statuses": PaymentStatus.choices,
                   "q": request.GET.get("q", "")})


@capability_required(MANAGE_PAYMENTS)
def payment_detail(request, reference):
    payment = get_object_or_404(Payment, reference=reference)
    form = RefundForm(request.POST or None, initial={"amount": payment.refundable})
    if request.method == "POST" and form.is_valid():
        try:
            refund = services.refund_create(payment=payment, actor=request.user, **form.cleaned_data)
        except PaymentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Refund %(refund)s: %(status)s.") % {
                "refund": refund.reference, "status": refund.get_status_display()})
            return redirect("payments:detail", reference=payment.reference)
    return render(request, "payments/payment_detail.html", {
        "payment": payment, "refunds": payment.refunds.all(), "form": form,
        "events": selectors.payment_history(payment=payment),
        "receipt_url": services.receipt_url(payment) if payment.is_paid else ""})


@require_POST
@capability_required(MANAGE_PAYMENTS)
def refund_retry(request, reference):
    payment = get_object_or_404(Payment, reference=reference)
    for refund in payment.refunds.filter(status="pending"):
        services.refund_send(refund=refund)
    return redirect("payments:detail", reference=payment.reference)
