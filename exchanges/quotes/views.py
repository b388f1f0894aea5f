"""Quotes in the console (resend, signed acceptance, refusal by phone) and the customer's quote
page reached through the link sent with the quote."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.quotes import selectors, services
from exchanges.quotes.forms import OptionalReasonForm, SignedAcceptanceForm
from exchanges.quotes.payments import quote_payment, quote_payment_start
from exchanges.quotes.pdf import quote_pdf
from exchanges.web import back_to_case, case_or_404, form_errors
from hotline.capabilities import WORK_CASES, capability_required
from hotline.errors import DomainError
from payments.services import receipt_url


def _pending_quote(case):
    quote = selectors.quote_current(case=case)
    if quote is None or not quote.is_pending:
        raise DomainError(_("There is no pending quote: reload the case."), code="no_quote")
    return quote


@require_POST
@capability_required(WORK_CASES)
def quote_resend(request, number):
    case = case_or_404(number)
    try:
        services.quote_resend(quote=_pending_quote(case), actor=request.user)
        messages.success(request, _("Quote sent again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return back_to_case(case)


@require_POST
@capability_required(WORK_CASES)
def quote_signed(request, number):
    case = case_or_404(number)
    form = SignedAcceptanceForm(request.POST, prefix="sg")
    if form.is_valid():
        try:
            services.quote_accept(quote=_pending_quote(case), via="signed", actor=request.user,
                                  signed_by=form.cleaned_data["signed_by"],
                                  ip=request.META.get("REMOTE_ADDR"))
            messages.success(request, _("Signed acceptance recorded; the service is ordered."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        form_errors(request, form)
    return back_to_case(case)


@require_POST
@capability_required(WORK_CASES)
def quote_decline(request, number):
    case = case_or_404(number)
    form = OptionalReasonForm(request.POST)
    form.is_valid()
    try:
        services.quote_decline(quote=_pending_quote(case), via="phone", actor=request.user,
                               reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("The customer's refusal is recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return back_to_case(case)


# The customer's side: a public page reached through the link sent with the quote.

def _quote_or_404(token):
    quote = selectors.quote_by_token(token=token)
    if quote is None:
        raise Http404(_("This quote link is not valid."))
    return quote


def quote_public(request, token):
    quote = _quote_or_404(token)
    payment = quote_payment(quote=quote)
    # The customer's language, unless the visitor chose another with the language switch.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or quote.case.customer.language
    with translation.override(language or "fr"):
        return _quote_page(request, quote, payment)


def _quote_page(request, quote, payment):
    return render(request, "exchanges/quote_public.html", {
        "quote": quote, "case": quote.case, "lines": quote.lines.all(), "payment": payment,
        "receipt_url": receipt_url(payment) if payment is not None and payment.is_paid else "",
        "seller": settings.HOTLINE_SELLER})


@require_POST
def quote_public_answer(request, token, answer):
    if answer not in ("accept", "decline"):
        raise Http404(_("This quote link is not valid."))
    quote = _quote_or_404(token)
    ip = request.META.get("REMOTE_ADDR")
    try:
        if answer == "accept":  # accepting a paid outcome is paying it: consent on payment only
            return redirect(quote_payment_start(quote=quote).redirect_url)
        elif answer == "decline":
            services.quote_decline(quote=quote, via="link", ip=ip,
                                   reason=request.POST.get("reason", "")[:1000])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("exchanges:quote_public", token=token)


def quote_public_pdf(request, token):
    quote = _quote_or_404(token)
    response = HttpResponse(quote_pdf(quote=quote, link=services.quote_link(quote=quote)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quote-{quote.number}.pdf"'
    return response
