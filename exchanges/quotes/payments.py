"""A quote is accepted by paying it online: payment confirmed -> consent recorded -> dispatch.

Exchanges asks `payments` for the money (subject `exchanges.quote:<id>`) and subscribes to what
happens (`payment_subscribers` in ExchangesConfig). Nothing is recorded as consent, and nothing
is ordered, before the provider confirms the payment. Money that arrives for a quote that can
no longer be accepted (expired or withdrawn meanwhile) goes back at once. The unreturned-device
charge of a swap is asked the same way (subject `exchanges.swap:<id>`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from exchanges.models import Quote, Swap
from exchanges.quotes.services import quote_accept, quote_link
from hotline.errors import DomainError, IllegalTransition
from hotline.workflow import record_event
from payments import services as payments
from payments.domain import EventKind, PaymentError, Purpose, RefundReason
from payments.models import Payment

log = logging.getLogger(__name__)
QUOTE = "exchanges.quote:"
SWAP = "exchanges.swap:"


def quote_subject(quote: Quote) -> str:
    return f"{QUOTE}{quote.pk}"


def quote_payment_start(*, quote: Quote) -> Payment:
    """Return the payment the customer completes to accept the quote (created if needed)."""
    if not quote.is_pending:
        raise IllegalTransition(_("Quote %(number)s is already %(status)s.") % {
            "number": quote.number, "status": quote.get_status_display()}, code="quote_closed")
    customer = quote.case.customer
    link = quote_link(quote=quote)
    return payments.payment_start(
        purpose=Purpose.QUOTE, subject=quote_subject(quote), amount=quote.total,
        currency=quote.currency,
        description=_("Quote %(number)s, case %(case)s") % {"number": quote.number,
                                                            "case": quote.case.number},
        return_url=link, cancel_url=link, customer_email=customer.email or "",
        language=customer.language or "fr", metadata={"case": quote.case.number})


def quote_payment(*, quote: Quote) -> Payment | None:
    """Return the quote's latest payment, if the customer started one."""
    return Payment.objects.for_subject(quote_subject(quote)).first()


def swap_charge_payment_start(*, swap: Swap, amount, currency: str) -> Payment:
    """Ask the customer to pay the stated unreturned-device charge through the same provider."""
    customer = swap.case.customer
    link = quote_link(quote=swap.quote) if swap.quote_id else settings.SITE_URL + "/"
    return payments.payment_start(
        purpose=Purpose.CHARGE, subject=f"{SWAP}{swap.pk}", amount=amount, currency=currency,
        description=_("Unreturned device charge, case %(case)s") % {"case": swap.case.number},
        return_url=link, cancel_url=link,
        customer_email=customer.email or "", language=customer.language or "fr",
        metadata={"case": swap.case.number})


def on_payment(payment: Payment, kind: str) -> None:
    """Payment subscriber: a paid quote is accepted; money for a closed quote goes back."""
    if not payment.subject.startswith(QUOTE) or kind != EventKind.SUCCEEDED:
        return
    quote = Quote.objects.filter(pk=int(payment.subject[len(QUOTE):])).first()
    if quote is None:
        return
    if quote.status == "accepted" and quote.answered_via == "payment":
        return  # told twice (the outbox delivers at least once)
    try:
        quote_accept(quote=quote, via="payment")
    except DomainError as exc:
        log.warning("paid quote not accepted", extra={"quote": quote.number,
                                                      "payment": payment.reference,
                                                      "reason": exc.message})
        record_event(quote, action="quote_payment_refunded", case=quote.case, reason=exc.message,
                     data={"payment": payment.reference})
        try:
            payments.refund_create(payment=payment, amount=payment.refundable,
                                   reason=RefundReason.SERVICE_CANCELLED, note=exc.message[:300])
        except PaymentError:
            log.warning("refund of closed quote refused", extra={"payment": payment.reference})


def refund_for_swap(*, swap: Swap, reason: str, actor=None) -> None:
    """Refund what the customer paid for the swap's quote (a lost parcel refunded)."""
    if swap.quote_id is None:
        return
    for payment in Payment.objects.for_subject(quote_subject(swap.quote)).paid():
        if payment.refundable > 0:
            payments.refund_create(payment=payment, amount=payment.refundable,
                                   reason=RefundReason.LOST_PARCEL, note=reason[:300], actor=actor)
