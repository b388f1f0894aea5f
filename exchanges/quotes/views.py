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
from exchanges.web import case_form_post
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
    def run(case, data):
        services.quote_resend(quote=_pending_quote(case), actor=request.user)

    return case_form_post(request, number, run=run, done=_("Quote sent again."))


@require_POST
@capability_required(WORK_CASES)
def quote_signed(request, number):
    def run(case, data):
        services.quote_accept(quote=_pending_quote(case), via="signed", actor=request.user,
                              signed_by=data["signed_by"], ip=request.META.get("REMOTE_ADDR"))

    return case_form_post(request, number, run=run, form_class=SignedAcceptanceForm,
                          prefix="sg",
                          done=_("Signed acceptance recorded; the service is ordered."))


@require_POST
@capability_required(WORK_CASES)
def quote_decline(request, number):
    def run(case, data):
        services.quote_decline(quote=_pending_quote(case), via="phone", actor=request.user,
                               reason=data.get("reason", ""))

    return case_form_post(request, number, run=run, form_class=OptionalReasonForm,
                          done=_("The customer's refusal is recorded."))


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
