"""Swaps (beat): depot-hold reminders, faulty units not returned, return reminders and the
unreturned device charge the written terms stated."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchanges.models import (
    Swap,
    SwapStatus,
)
from exchanges.quotes.payments import swap_charge_payment_start
from hotline.errors import DomainError
from hotline.models import Notification
from hotline.notifications import notification_send
from hotline.workflow import record_event, transition

S = SwapStatus


def swaps_remind(*, now: datetime.datetime | None = None) -> dict:
    """Remind customers whose parcel waits at a depot, mark faulty units not returned, remind
    on the configured days, and charge what the written confirmation stated after the last."""
    now = now or timezone.now()
    counts = {"hold_reminders": 0, "not_returned": 0, "return_reminders": 0, "charged": 0}
    soon = now + datetime.timedelta(hours=settings.SWAP_HOLD_REMINDER_HOURS)
    for swap in Swap.objects.filter(status=S.HELD_AT_DEPOT, hold_until__lte=soon,
                                    hold_until__gt=now, reminders_sent=0):
        with transaction.atomic():
            if Swap.objects.filter(pk=swap.pk, reminders_sent=0).update(reminders_sent=1):
                notification_send(case=swap.case, template="swap_held_reminder", context={
                    "location": swap.hold_location,
                    "until": timezone.localtime(swap.hold_until).strftime("%Y-%m-%d")})
                record_event(swap, action="swap_hold_reminder")
                counts["hold_reminders"] += 1
    grace = now - datetime.timedelta(days=settings.SWAP_RETURN_GRACE_DAYS)
    for swap in Swap.objects.filter(status=S.DELIVERED, delivered_at__lte=grace):
        transition(swap, "miss_return", actor_label=gettext_noop("hotline"), check_permission=False)
        counts["not_returned"] += 1
    days = sorted(settings.SWAP_REMINDER_DAYS)
    for swap in Swap.objects.filter(status=S.FAULTY_NOT_RETURNED).select_related("case"):
        age = (now - swap.delivered_at).days
        due = sum(1 for day in days if age >= day)
        if age >= settings.SWAP_CHARGE_AFTER_DAYS and swap.reminders_sent >= len(days):
            if swap_charge(swap=swap, now=now):
                counts["charged"] += 1
            continue
        if due > swap.reminders_sent:
            with transaction.atomic():
                if Swap.objects.filter(pk=swap.pk, reminders_sent=swap.reminders_sent).update(
                        reminders_sent=due):
                    notification_send(case=swap.case, template="swap_return_reminder", context={
                        "charge": str(swap.unreturned_charge or ""),
                        "currency": swap.currency or "EUR",
                        "charge_on": (swap.delivered_at + datetime.timedelta(
                            days=settings.SWAP_CHARGE_AFTER_DAYS)).date().isoformat()})
                    record_event(swap, action="swap_return_reminder", data={"reminder": due})
                    counts["return_reminders"] += 1
    return counts


def swap_charge(*, swap: Swap, now: datetime.datetime | None = None, actor=None) -> bool:
    """Charge the unreturned device fee, only if the written confirmation stated it."""
    # The terms go with the booking's message (swap_promised: the older separate message).
    stated = swap.unreturned_charge is not None and Notification.objects.filter(
        case=swap.case, template__in=("swap_booked", "swap_promised"),
        context__has_key="charge").exclude(context__charge="").exists()
    if not stated:
        record_event(swap, action="swap_charge_refused",
                     reason=gettext_noop("no unreturned device charge in the terms the customer was sent"))
        return False
    with transaction.atomic():
        transition(swap, "charge", actor=actor, actor_label=gettext_noop("hotline"), check_permission=False,
                   amount=swap.unreturned_charge, at=now or timezone.now(),
                   data={"amount": str(swap.unreturned_charge)})
    # The stated charge is asked through the payment provider, with a link to pay it.
    try:
        payment = swap_charge_payment_start(swap=swap, amount=swap.unreturned_charge,
                                            currency=swap.currency or "EUR")
        link = payment.redirect_url
    except DomainError as exc:
        record_event(swap, action="swap_charge_payment_failed", reason=exc.message)
        link = ""
    notification_send(case=swap.case, template="swap_charged", context={
        "amount": str(swap.unreturned_charge), "currency": swap.currency or "EUR",
        "payment_link": link})
    return True


def unreturned_charge_terms(*, currency: str = "EUR") -> str:
    """The sentence of a swap's written terms (quote, confirmation) that states the charge."""
    return _("The courier collects your faulty handset when delivering the replacement. If it "
             "is not returned, an unreturned device charge of %(amount)s %(currency)s applies, "
             "after reminders.") % {"amount": settings.SWAP_UNRETURNED_CHARGE,
                                    "currency": currency or "EUR"}
