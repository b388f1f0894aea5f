"""Quotes: itemised, sent in writing, answered by the customer (link or signed form) or expired."""

from __future__ import annotations

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Action
from exchanges.errors import QuoteError
from exchanges.models import Decision, Quote, QuoteLine, QuoteStatus, ServicePrice
from hotline.errors import IllegalTransition
from hotline.models import Case, CaseStatus
from hotline.notifications import notification_send
from hotline.services import sequence_next
from hotline.workflow import actor_or_none, record_event, transition

CENT = Decimal("0.01")


def quote_link(*, quote: Quote) -> str:
    """Return the public link where the customer reads and answers the quote."""
    return settings.SITE_URL + reverse("exchanges:quote_public", args=[quote.token])


def _price_for(*, outcome: str, category: str, model) -> ServicePrice:
    candidates = ServicePrice.objects.filter(outcome=outcome, category__in=[category, ""])
    candidates = candidates.filter(Q(model=model) | Q(model__isnull=True)) if model else (
        candidates.filter(model__isnull=True))
    ranked = sorted(candidates, key=lambda p: (p.model_id is not None, p.category != ""),
                    reverse=True)
    if not ranked:
        raise QuoteError(_("No price is set for a paid %(outcome)s of this fault: a supervisor "
                          "adds one under Service prices.") % {"outcome": Action(outcome).label},
                        code="no_price")
    return ranked[0]


def quote_create(*, case: Case, decision: Decision, actor=None) -> Quote:
    """Price the decided paid outcome, record the quote and send it to the customer."""
    handset = case.handset
    price = _price_for(outcome=decision.outcome, category=decision.fault_code.category,
                       model=handset.model if handset else None)
    delivery_fee = (Decimal(settings.EXCHANGES_DELIVERY_FEE) if decision.outcome == Action.SWAP
                    else Decimal("0")).quantize(CENT)
    tax_rate = Decimal(settings.EXCHANGES_TAX_RATE)
    lines = [(price.description, 1, price.amount.quantize(CENT))]
    subtotal = sum((quantity * unit for _d, quantity, unit in lines), Decimal("0"))
    tax = ((subtotal + delivery_fee) * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    now = timezone.now()
    with transaction.atomic():
        quote = Quote.objects.create(
            case=case, decision=decision,
            number=f"Q-{now.year}-{sequence_next(name=f'quote-{now.year}'):06d}",
            token=secrets.token_urlsafe(32), outcome=decision.outcome, currency=price.currency,
            subtotal=subtotal, delivery_fee=delivery_fee, tax_rate=tax_rate, tax_amount=tax,
            total=subtotal + delivery_fee + tax,
            expires_at=now + datetime.timedelta(days=settings.EXCHANGES_QUOTE_VALID_DAYS),
            created_by=actor_or_none(actor),
        )
        for position, (description, quantity, unit) in enumerate(lines, start=1):
            QuoteLine.objects.create(quote=quote, position=position, description=description,
                                     quantity=quantity, unit_price=unit, amount=quantity * unit)
        record_event(quote, action="quote_sent", actor=actor, case=case,
                     data={"quote": quote.number, "total": str(quote.total),
                           "currency": quote.currency, "expires_at": quote.expires_at})
        _send_quote(quote=quote)
    return quote


def _send_quote(*, quote: Quote) -> None:
    notification_send(
        case=quote.case, template="quote",
        context={"quote_number": quote.number, "total": str(quote.total),
                 "currency": quote.currency, "link": quote_link(quote=quote),
                 "expires_on": timezone.localdate(quote.expires_at).isoformat(),
                 "outcome": quote.outcome},
        attachment="exchanges.quotes.pdf.quote_pdf_attachment",
        attachment_kwargs={"quote_id": quote.pk},
    )


def quote_resend(*, quote: Quote, actor=None) -> Quote:
    """Send a pending quote to the customer again."""
    if not quote.is_pending:
        raise QuoteError(_("Quote %(number)s is %(status)s: only a pending quote is sent again.")
                        % {"number": quote.number, "status": quote.get_status_display()},
                        code="quote_closed")
    with transaction.atomic():
        record_event(quote, action="quote_resent", actor=actor, case=quote.case,
                     data={"quote": quote.number})
        _send_quote(quote=quote)
    return quote


def _lock_pending(quote: Quote) -> Quote:
    locked = Quote.objects.select_for_update(of=("self",)).select_related("case", "decision").get(pk=quote.pk)
    if not locked.is_pending:
        raise IllegalTransition(
            _("Quote %(number)s is already %(status)s.") % {
                "number": locked.number, "status": locked.get_status_display()},
            code="quote_closed")
    return locked


def quote_accept(
    *, quote: Quote, via: str = "link", ip: str | None = None, signed_by: str = "", actor=None,
) -> Quote:
    """Record the customer's written consent and order the paid swap or visit."""
    if via == "signed" and not signed_by.strip():
        raise QuoteError(_("Give the name of the customer who signed the quote."),
                        field="signed_by")
    if quote.is_pending and quote.expires_at <= timezone.now():
        quote_expire(quote=quote)
        raise IllegalTransition(_("Quote %(number)s has expired.") % {"number": quote.number},
                                code="quote_expired")
    with transaction.atomic():
        quote = _lock_pending(quote)
        quote.status, quote.answered_at, quote.answered_via = (
            QuoteStatus.ACCEPTED, timezone.now(), via)
        quote.answered_ip, quote.signed_by = ip, signed_by.strip()
        quote.recorded_by = actor_or_none(actor)
        quote.save()
        case = Case.objects.get(pk=quote.case_id)
        if _answered_in_service(case=case, quote=quote, accepted=True, actor=actor):
            return quote
        transition(case, "consent", actor=actor if via == "signed" else None,
                   actor_label="" if via == "signed" else "customer",
                   data={"quote": quote.number, "total": str(quote.total),
                         "currency": quote.currency, "via": via, "ip": ip,
                         "signed_by": quote.signed_by})
        notification_send(case=case, template="consent_received",
                          context={"quote_number": quote.number, "total": str(quote.total),
                                   "currency": quote.currency})
        # Imported here: a real cycle. Ordering the service reaches the swap services, whose
        # refunds and charges go through exchanges.quotes.payments, which accepts quotes here.
        from exchanges.decisions.fulfilment import service_order_create

        service_order_create(case=case, decision=quote.decision, quote=quote, actor=actor)
    return quote


def _answered_in_service(*, case: Case, quote: Quote, accepted: bool, actor) -> bool:
    """A quote raised while the case is in service (customer damage found by a repair) is
    answered to the app that raised it, through its AppConfig's `quote_answered_hooks`; the
    case stays in service. Return whether it was such a quote."""
    if case.status != CaseStatus.IN_SERVICE:
        return False
    record_event(quote, action="quote_accepted" if accepted else "quote_not_accepted",
                 actor=actor, case=case, data={"quote": quote.number, "status": quote.status})
    for config in apps.get_app_configs():
        for path in getattr(config, "quote_answered_hooks", ()):
            import_string(path)(quote=quote, accepted=accepted, actor=actor)
    return True


def quote_notify(*, quote: Quote) -> None:
    """Send a quote recorded by another app (same message, link and PDF as any quote)."""
    _send_quote(quote=quote)


def quote_decline(
    *, quote: Quote, via: str = "link", ip: str | None = None, reason: str = "", actor=None,
) -> Quote:
    """Record that the customer declined the quote: the case is declined."""
    with transaction.atomic():
        quote = _lock_pending(quote)
        quote.status, quote.answered_at, quote.answered_via = (
            QuoteStatus.DECLINED, timezone.now(), via)
        quote.answered_ip, quote.decline_reason = ip, reason
        quote.recorded_by = actor_or_none(actor)
        quote.save()
        case = Case.objects.get(pk=quote.case_id)
        if _answered_in_service(case=case, quote=quote, accepted=False, actor=actor):
            return quote
        transition(case, "decline", actor=actor if via != "link" else None,
                   actor_label="customer" if via == "link" else "", reason=reason,
                   data={"quote": quote.number, "via": via, "ip": ip})
        notification_send(case=case, template="quote_declined",
                          context={"quote_number": quote.number, "expired": False})
    return quote


def quote_expire(*, quote: Quote) -> Quote:
    """Expire a pending quote past its date: the case is declined."""
    with transaction.atomic():
        quote = _lock_pending(quote)
        quote.status, quote.answered_at, quote.answered_via = (
            QuoteStatus.EXPIRED, timezone.now(), "system")
        quote.save()
        case = Case.objects.get(pk=quote.case_id)
        if _answered_in_service(case=case, quote=quote, accepted=False, actor=None):
            return quote
        transition(case, "expire_quote", actor_label=gettext_noop("system"),
                   reason=gettext_noop("quote expired"),
                   data={"quote": quote.number, "expires_at": quote.expires_at})
        notification_send(case=case, template="quote_declined",
                          context={"quote_number": quote.number, "expired": True})
    return quote


def quotes_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Expire every pending quote past its date; return how many."""
    count = 0
    for quote in Quote.objects.due_to_expire(now=now or timezone.now())[:1000]:
        try:
            quote_expire(quote=quote)
        except IllegalTransition:
            continue  # answered meanwhile
        count += 1
    return count


def quote_withdraw(*, case: Case, actor=None, reason: str = "") -> int:
    """Withdraw the case's pending quote (decision revised or case cancelled)."""
    count = 0
    with transaction.atomic():
        for quote in Quote.objects.select_for_update().filter(case=case,
                                                              status=QuoteStatus.PENDING):
            quote.status, quote.answered_at = QuoteStatus.WITHDRAWN, timezone.now()
            quote.save(update_fields=["status", "answered_at"])
            record_event(quote, action="quote_withdrawn", actor=actor, case=case, reason=reason,
                         data={"quote": quote.number})
            count += 1
    return count
