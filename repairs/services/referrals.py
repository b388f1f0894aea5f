"""Referrals to service points: the operator's choice, the customer's message, the shop's
arrival, outcome and hand-back, and the case that follows them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.errors import CaseError, NotFound
from hotline.models import Case, CaseStatus
from hotline.notifications import notification_send
from hotline.services import sequence_next
from hotline.workflow import transition
from repairs.models import (
    OPEN_REFERRAL_STATES,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    ServicePoint,
)
from repairs.services.findings import findings_publish
from repairs.services.points import service_point_proposals

NO_SHOW_DAYS = 14


def referral_reference() -> str:
    year = timezone.now().year
    return f"SP-{year}-{sequence_next(name=f'referral-{year}'):06d}"


def _slot(point: ServicePoint, slot_start: datetime.datetime | None) -> datetime.date:
    if slot_start is None:
        day = point.next_open_day(timezone.localdate())
        if day is None:
            raise CaseError(_("%(point)s is closed for the next 30 days: pick another service "
                              "point.") % {"point": point}, field="service_point")
        return day
    if not point.appointment:
        raise CaseError(_("%(point)s takes no appointments: leave the slot empty (walk-in).")
                        % {"point": point}, field="slot_start")
    if slot_start <= timezone.now():
        raise CaseError(_("The drop-off appointment is in the past."), field="slot_start")
    local = timezone.localtime(slot_start, timezone=_tz(point))
    hhmm = local.strftime("%H:%M")
    if not any(start <= hhmm < end for start, end in point.hours_on(local.date())):
        raise CaseError(_("%(point)s is closed at that time: see its opening hours.")
                        % {"point": point}, field="slot_start")
    return local.date()


def _tz(point: ServicePoint):
    import zoneinfo

    return zoneinfo.ZoneInfo(point.timezone)


def referral_create(*, case: Case, service_point: ServicePoint, decision=None, actor=None,
                    slot_start: datetime.datetime | None = None) -> Referral:
    """Refer the case to `service_point` (one that repairs its model and serves its postcode),
    tell the customer where, when and what to bring, and follow the repair. Runs in the
    transaction that confirms the referral decision; the case must be referred by then."""
    handset = case.handset
    address = case.customer.default_address
    if case.status != CaseStatus.REFERRED:
        raise CaseError(_("Case %(number)s is not referred.") % {"number": case.number})
    if not service_point.active or handset is None or address is None or not (
            service_point.repairs(handset.model)
            and service_point.serves(postcode=address.postcode, country=address.country)):
        raise CaseError(_("%(point)s does not repair this model at the customer's postcode: "
                          "pick one of the proposed service points.") % {"point": service_point},
                        field="service_point")
    day = _slot(service_point, slot_start)
    reference = referral_reference()
    for previous in _earlier_referrals(case):  # one open referral per case: the new one
        transition(previous, "cancel", actor=actor, check_permission=False,
                   reason=f"replaced by referral {reference}", data={"replaced_by": reference})
    referral = Referral.objects.create(
        reference=reference, case=case, decision=decision,
        service_point=service_point, fault_code=getattr(decision, "fault_code", None),
        drop_off_day=day, slot_start=slot_start,
        created_by=actor if actor is not None and actor.is_authenticated else None)
    from hotline.workflow import record_event

    record_event(referral, action="referral_created", actor=actor, case=case, data={
        "reference": referral.reference, "service_point": service_point.code,
        "drop_off_day": day.isoformat(),
        "slot_start": slot_start.isoformat() if slot_start else None})
    notification_send(case=case, template="referral_booked", context=_message(referral))
    return referral


def _earlier_referrals(case: Case) -> list[Referral]:
    """The case's open referrals a new one replaces: those still awaiting the drop-off. One
    whose handset is already at a service point must be handed back first."""
    earlier = list(Referral.objects.select_for_update().filter(
        case=case, status__in=OPEN_REFERRAL_STATES).select_related("service_point"))
    for previous in earlier:
        if previous.status != ReferralStatus.AWAITING_DROP_OFF:
            raise CaseError(
                _("The handset is at %(point)s (referral %(reference)s): it is handed back "
                  "before the case is referred elsewhere.")
                % {"point": previous.service_point, "reference": previous.reference},
                code="referral_in_progress")
    return earlier


def _message(referral: Referral) -> dict:
    point = referral.service_point
    slot = (timezone.localtime(referral.slot_start, timezone=_tz(point)).strftime(
        "%Y-%m-%d %H:%M") if referral.slot_start else "")
    return {"reference": referral.reference, "point_name": point.name,
            "point_address": point.address_line, "point_phone": point.phone,
            "hours": [[day, text] for day, text in point.hours_lines()],
            "what_to_bring": point.what_to_bring, "slot": slot,
            "drop_off_day": referral.drop_off_day.isoformat(), "walk_in": point.walk_in}


def referral_best(*, case: Case):
    """Return the best proposed service point for the case, or None."""
    address = case.customer.default_address
    if case.handset is None or address is None:
        return None
    proposals = service_point_proposals(model=case.handset.model, postcode=address.postcode,
                                        country=address.country)
    return proposals[0].point if proposals else None


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update(of=("self",)).select_related(
        "case", "service_point").get(pk=referral.pk)


def referral_for_staff(*, user, reference: str) -> Referral:
    """Return the referral `reference` if it is at one of the user's service points."""
    referral = (Referral.objects.select_related("case__customer", "case__handset__model",
                                                "service_point", "fault_code")
                .filter(reference=reference.strip().upper()).first())
    if referral is None or not (user.is_superuser or referral.service_point.staff.filter(
            pk=user.pk).exists()):
        raise NotFound(_("No referral %(reference)s at your service point.")
                       % {"reference": reference})
    return referral


def referral_receive(*, referral: Referral, actor=None, imei: str = "") -> Referral:
    """The customer dropped the handset off at the service point."""
    imei = imei.strip()
    with transaction.atomic():
        referral = _locked(referral)
        expected = referral.case.handset.imei if referral.case.handset_id else ""
        transition(referral, "receive", actor=actor, imei=imei or expected,
                   data={"imei": imei or expected,
                         "imei_matches": not imei or imei == expected})
        notification_send(case=referral.case, template="referral_received",
                          context={"reference": referral.reference,
                                   "point_name": referral.service_point.name})
    return referral


def referral_outcome(*, referral: Referral, outcome: str, notes: str, actor=None,
                     component: str = "", root_cause: str = "") -> Referral:
    """Record what the shop did; the customer is told the handset is ready for collection."""
    if outcome not in ReferralOutcome.values:
        raise CaseError(_("Pick the outcome of the repair."), field="outcome")
    if not notes.strip():
        raise CaseError(_("Say what was done or found."), field="notes")
    if outcome == ReferralOutcome.REPAIRED and not component.strip():
        raise CaseError(_("Name the component repaired or replaced."), field="component")
    name = "repair" if outcome in (ReferralOutcome.REPAIRED, ReferralOutcome.NO_FAULT_FOUND) \
        else "give_up"
    with transaction.atomic():
        referral = _locked(referral)
        transition(referral, name, actor=actor, reason=notes, outcome=outcome, notes=notes,
                   component=component.strip(), root_cause=root_cause.strip(),
                   data={"outcome": outcome, "component": component, "root_cause": root_cause})
        notification_send(case=referral.case, template="referral_ready", context={
            "reference": referral.reference, "point_name": referral.service_point.name,
            "point_address": referral.service_point.address_line,
            "repaired": name == "repair", "outcome": referral.get_outcome_display()})
        findings_publish(subject=referral, case=referral.case,
                         model=referral.case.handset.model if referral.case.handset_id else None,
                         imei=referral.received_imei, fault_code=referral.fault_code,
                         component=referral.component, root_cause=referral.root_cause,
                         result=outcome, source="service_point")
    return referral


def referral_hand_back(*, referral: Referral, actor=None) -> Referral:
    """The customer collected the handset: the case is resolved and its follow-up starts."""
    with transaction.atomic():
        referral = _locked(referral)
        transition(referral, "hand_back", actor=actor)
        case = Case.objects.select_for_update().get(pk=referral.case_id)
        if case.status == CaseStatus.REFERRED:
            transition(case, "resolve_referral", actor=actor, check_permission=False,
                       data={"referral": referral.reference})
            notification_send(case=case, template="resolved")
    return referral


def referral_cancel(*, referral: Referral, actor=None, reason: str) -> Referral:
    if not reason.strip():
        raise CaseError(_("Say why the referral is cancelled."), field="reason")
    with transaction.atomic():
        referral = _locked(referral)
        transition(referral, "cancel", actor=actor, reason=reason)
        _settle(referral.case_id, actor)
    return referral


def _settle(case_id, actor) -> None:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status == CaseStatus.REFERRED and case.settled_at is None:
        transition(case, "settle_referral", actor=actor, check_permission=False)


def referrals_expire(*, now: datetime.datetime | None = None) -> int:
    """Referrals never dropped off within NO_SHOW_DAYS of their day end; their cases settle."""
    now = now or timezone.now()
    cutoff = (now - datetime.timedelta(days=NO_SHOW_DAYS)).date()
    count = 0
    for pk in Referral.objects.filter(status=ReferralStatus.AWAITING_DROP_OFF,
                                      drop_off_day__lt=cutoff).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            referral = _locked(Referral(pk=pk))
            if referral.status != ReferralStatus.AWAITING_DROP_OFF:
                continue
            transition(referral, "miss_drop_off", actor_label=gettext_noop("scheduler"),
                       check_permission=False)
            _settle(referral.case_id, None)
            count += 1
    return count
