"""Customer self-service: the signed tracking link, the look-up by case number and postcode
(brute-force limited), questions with a response promise, and what a customer may change."""

from __future__ import annotations

import datetime
import logging

import holidays
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchanges.models import Swap, SwapStatus, Visit, VisitStatus
from exchanges.swaps.services import swap_book
from hotline.errors import DomainError
from hotline.models import Case
from hotline.notifications import notification_send
from hotline.validators import normalise_postcode
from hotline.workflow import record_event
from selfservice.models import FollowUp, FollowUpKind, FollowUpStatus

log = logging.getLogger(__name__)
SALT = "selfservice.track"
REBOOKABLE = (SwapStatus.DELIVERY_FAILED, SwapStatus.HELD_AT_DEPOT, SwapStatus.RETURNED_TO_SENDER)


class SelfServiceError(DomainError):
    pass


class TooManyAttempts(SelfServiceError):
    http_status = 429


# --- the link --------------------------------------------------------------------------------------
def tracking_token(case: Case) -> str:
    return signing.dumps(case.number, salt=SALT, compress=True)


def tracking_link(case: Case) -> str:
    """Return the signed link to the case's tracking page (no login, no guessing)."""
    return settings.SITE_URL + reverse("selfservice:track", args=[tracking_token(case)])


def case_for_token(token: str) -> Case | None:
    """Return the case a signed link names, or None (forged, altered or too old)."""
    try:
        number = signing.loads(token, salt=SALT,
                               max_age=datetime.timedelta(days=settings.SELFSERVICE_LINK_DAYS))
    except signing.BadSignature:
        return None
    return Case.objects.select_related("customer", "handset__model").filter(number=number).first()


def notification_context(case: Case) -> dict:
    """Notification plug-in: every customer message carries the tracking link."""
    return {"tracking_link": tracking_link(case)}


# --- the look-up --------------------------------------------------------------------------------------
def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def case_lookup(*, number: str, postcode: str, address: str) -> Case:
    """Return the case whose number and customer postcode both match.

    Limited per address and per case number (SELFSERVICE_LOOKUP_LIMIT attempts per
    SELFSERVICE_LOOKUP_WINDOW seconds): guessing is slow, and the answer never says which of the
    two was wrong, so cases cannot be enumerated.
    """
    limit, window = settings.SELFSERVICE_LOOKUP_LIMIT, settings.SELFSERVICE_LOOKUP_WINDOW
    number = number.strip().upper()[:20]
    tries = max(_count(f"selfservice:ip:{address}", window),
                _count(f"selfservice:case:{number}", window))
    if tries > limit:
        log.warning("tracking lookup throttled", extra={"address": address})
        raise TooManyAttempts(_("Too many attempts: try again in %(minutes)s minutes.")
                              % {"minutes": max(1, window // 60)}, code="throttled")
    case = Case.objects.select_related("customer").filter(number=number).first()
    if case is None or not _postcode_matches(case, postcode):
        raise SelfServiceError(_("No case matches this number and postcode. Check both, as "
                                 "written in our messages."), code="no_match")
    return case


def _postcode_matches(case: Case, postcode: str) -> bool:
    given = postcode.replace(" ", "").upper()
    for address in case.customer.addresses.all():
        try:
            known = normalise_postcode(address.postcode, address.country)
        except ValidationError:  # an old address that no longer validates: compare as written
            known = address.postcode
        if given and given == known.replace(" ", "").upper():
            return True
    return False


# --- questions -------------------------------------------------------------------------------------------
def response_due(at: datetime.datetime, *, country: str = "FR") -> datetime.datetime:
    """Return `at` plus SELFSERVICE_RESPONSE_WORKING_DAYS working days (no weekend, no holiday)."""
    try:
        days_off = holidays.country_holidays(country)
    except NotImplementedError:
        days_off = {}
    due, left = timezone.localtime(at), settings.SELFSERVICE_RESPONSE_WORKING_DAYS
    while left > 0:
        due += datetime.timedelta(days=1)
        if due.weekday() < 5 and due.date() not in days_off:
            left -= 1
    return due


def followup_open(*, case: Case, kind: str, message: str) -> FollowUp:
    """Record the customer's question for the hotline, with its response promise."""
    message = message.strip()
    if not message:
        raise SelfServiceError(_("Write your message."), field="message")
    if kind not in FollowUpKind.values:
        raise SelfServiceError(_("Choose what your message is about."), field="kind")
    address = case.customer.addresses.first()
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, kind=kind, message=message[:2000], language=case.customer.language or "fr",
            due_at=response_due(timezone.now(), country=address.country if address else "FR"))
        record_event(follow_up, action="customer_asked", actor_label=gettext_noop("customer"), case=case,
                     data={"kind": kind, "due_at": follow_up.due_at})
        notification_send(case=case, template="followup_received", channels=("email",),
                          context={"due_on": timezone.localtime(follow_up.due_at).date().isoformat()})
    return follow_up


def followup_answer(*, follow_up: FollowUp, answer: str, actor) -> FollowUp:
    """Answer the customer in writing; the answer shows on the tracking page too."""
    answer = answer.strip()
    if not answer:
        raise SelfServiceError(_("Write the answer."), field="answer")
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.status != FollowUpStatus.OPEN:
            raise SelfServiceError(_("This question was already answered."), code="answered")
        follow_up.status, follow_up.answer = FollowUpStatus.ANSWERED, answer[:4000]
        follow_up.answered_by, follow_up.answered_at = actor, timezone.now()
        follow_up.save()
        record_event(follow_up, action="customer_answered", actor=actor, case=follow_up.case,
                     data={"on_time": follow_up.answered_at <= follow_up.due_at})
        notification_send(case=follow_up.case, template="followup_answered",
                          context={"question": follow_up.message[:300], "answer": follow_up.answer})
    return follow_up


# --- what the customer may change --------------------------------------------------------------------------
def swap_rebook(*, case: Case, swap: Swap, choice: str, ship_on: datetime.date | None,
                recipient: dict) -> Swap:
    """The customer chooses another day, another address or a pickup point after a failed
    delivery, while the parcel waits at the depot, or after it came back."""
    if swap.case_id != case.pk or swap.status not in REBOOKABLE:
        raise SelfServiceError(_("This delivery cannot be changed now."), code="not_rebookable")
    if recipient.get("postcode"):
        try:
            recipient = recipient | {"postcode": normalise_postcode(recipient["postcode"], swap.country)}
        except ValidationError as exc:
            raise SelfServiceError(" ".join(exc.messages), field="postcode") from None
    reason = {"day": _("the customer chose another day"),
              "address": _("the customer gave another address"),
              "pickup": _("the customer chose a pickup point")}[choice]
    return swap_book(swap=swap, recipient=recipient or None, ship_on=ship_on,
                     reason=f"{reason} (self-service)", actor=None)


def visit_confirm(*, case: Case, visit: Visit) -> None:
    """The customer confirms the technician's window."""
    if visit.case_id != case.pk or visit.status != VisitStatus.SCHEDULED:
        raise SelfServiceError(_("This visit cannot be confirmed now."), code="not_scheduled")
    record_event(visit, action="visit_window_confirmed", actor_label=gettext_noop("customer"), case=case,
                 data={"slot_start": visit.slot_start, "slot_end": visit.slot_end})
