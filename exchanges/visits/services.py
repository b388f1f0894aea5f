"""Technician visits: book a slot, follow the technician's day, report, escalate to a swap."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchanges.decisions.fulfilment import swap_request
from exchanges.errors import VisitError
from exchanges.models import Technician, Visit, VisitStatus
from exchanges.stock.selectors import stock_available
from exchanges.visits.signature import signature_png
from exchanges.visits.slots import slot_length, technician_day_slots
from hotline.errors import StaleObject
from hotline.notifications import notification_send
from hotline.services import case_resolve
from hotline.workflow import transition


def _window(visit: Visit) -> dict:
    local = timezone.localtime
    return {"day": local(visit.slot_start).date().isoformat(),
            "start": local(visit.slot_start).strftime("%H:%M"),
            "end": local(visit.slot_end).strftime("%H:%M"),
            "technician": visit.technician.name}


def visit_day_reached(visit: Visit, *, now=None) -> bool:
    """Return whether the day of the visit's slot has come (site time): its steps start then."""
    if visit.slot_start is None:
        return False
    return (timezone.localdate(now or timezone.now())
            >= timezone.localtime(visit.slot_start).date())


def _guard_slot_day(visit: Visit) -> None:
    """Refuse a technician's step before the day of the booked slot."""
    if not visit_day_reached(visit):
        raise VisitError(
            _("This visit is booked for %(day)s: it cannot be started before that day.")
            % {"day": formats.date_format(timezone.localtime(visit.slot_start), "l j F")},
            code="before_slot_day")


def _guard_time_on_site(visit: Visit, *, now) -> None:
    """Refuse a completion that leaves no time for the work (the arrival was tapped late)."""
    minimum = datetime.timedelta(minutes=settings.EXCHANGES_VISIT_MIN_MINUTES_ON_SITE)
    if visit.on_site_at is not None and now - visit.on_site_at < minimum:
        raise VisitError(
            _("You arrived at %(time)s: a visit lasts at least %(minutes)s minutes on site. "
              "Complete it once the work is done.")
            % {"time": formats.time_format(timezone.localtime(visit.on_site_at), "H:i"),
               "minutes": settings.EXCHANGES_VISIT_MIN_MINUTES_ON_SITE},
            code="too_short_on_site")


def visit_schedule(*, visit: Visit, technician: Technician, start, actor=None) -> Visit:
    """Book the visit in one of the technician's free slots; a slot is never booked twice."""
    if not technician.covers(postcode=visit.postcode, country=visit.country,
                             family=visit.case.handset.model.family if visit.case.handset_id
                             and visit.case.handset.model_id else "",
                             category=visit.fault_code.category):
        raise VisitError(_("%(name)s does not cover this address or this fault.") % {
            "name": technician.name}, field="technician")
    try:
        with transaction.atomic():
            # One booking at a time per technician: the free-slot check below stays true.
            technician = Technician.objects.select_for_update().get(pk=technician.pk)
            day = timezone.localtime(start).date()
            free = technician_day_slots(technician=technician, day=day, after=timezone.now(),
                                        exclude_visit=visit.pk)
            if not any(slot_start == start for slot_start, _end in free):
                raise StaleObject(_("This slot is no longer free: pick another one."),
                                  code="slot_taken")
            transition(visit, "schedule", actor=actor, technician=technician, start=start,
                       end=start + slot_length(),
                       data={"technician": technician.name, "slot_start": start})
            notification_send(case=visit.case, template="visit_scheduled",
                              context=_window(visit))
    except IntegrityError:  # the unique constraint: someone booked it in the same instant
        raise StaleObject(_("This slot is no longer free: pick another one."),
                          code="slot_taken") from None
    return visit


def visit_start_route(*, visit: Visit, actor=None) -> Visit:
    """The technician leaves: the customer is told the window."""
    _guard_slot_day(visit)
    with transaction.atomic():
        transition(visit, "start_route", actor=actor, at=timezone.now())
        notification_send(case=visit.case, template="visit_en_route", context=_window(visit))
    return visit


def visit_arrive(*, visit: Visit, actor=None) -> Visit:
    """The technician is at the customer's: the time on site runs from now."""
    _guard_slot_day(visit)
    return transition(visit, "arrive", actor=actor, at=timezone.now())


def _report(visit: Visit, *, work_done, parts_used, fault_code, signed_by) -> None:
    visit.work_done, visit.parts_used = work_done, parts_used
    visit.confirmed_fault_code, visit.signed_by = fault_code or visit.fault_code, signed_by


def visit_complete(*, visit: Visit, actor=None, work_done: str, parts_used: str = "",
                   fault_code=None, signed_by: str = "", signature: str = "") -> Visit:
    """Record the visit report, resolve the case and send the report (PDF) to the customer.

    The customer signs on the screen (`signature`, a PNG data URL); their typed name is the
    fallback when the screen cannot take a drawing."""
    if not work_done.strip():
        raise VisitError(_("Describe the work done."), field="work_done")
    drawn = signature_png(signature) if signature else None
    if drawn is None and not signed_by.strip():
        raise VisitError(_("The customer signs on the screen, or types their name."),
                         field="signature")
    _guard_slot_day(visit)
    _guard_time_on_site(visit, now=timezone.now())
    with transaction.atomic():
        _report(visit, work_done=work_done, parts_used=parts_used, fault_code=fault_code,
                signed_by=signed_by)
        visit.signature_png = drawn
        transition(visit, "complete", actor=actor, at=timezone.now(),
                   data={"fault_code": visit.confirmed_fault_code_id,
                         "changed": visit.confirmed_fault_code_id != visit.fault_code_id})
        case_resolve(case=visit.case, actor=actor, reason=gettext_noop("visit completed"),
                     data={"visit": visit.pk})
        notification_send(case=visit.case, template="visit_completed",
                          context={**_window(visit), "work_done": work_done},
                          attachment="exchanges.visits.pdf.visit_report_attachment",
                          attachment_kwargs={"visit_id": visit.pk})
    return visit


def visit_escalate(*, visit: Visit, actor=None, findings: str, fault_code=None) -> Visit:
    """The fault cannot be fixed on site: order a swap carrying the technician's findings."""
    if not findings.strip():
        raise VisitError(_("Describe what you found: the swap carries it."), field="findings")
    _guard_slot_day(visit)
    with transaction.atomic():
        _report(visit, work_done=findings, parts_used="", fault_code=fault_code, signed_by="")
        visit.findings = findings
        transition(visit, "escalate", actor=actor, at=timezone.now(), reason=findings)
        _swap_instead(visit, actor=actor, findings=findings)
    return visit


def visit_no_access(*, visit: Visit, actor=None, reason: str = "") -> Visit:
    """Nobody let the technician in: the visit waits to be scheduled again."""
    _guard_slot_day(visit)
    return transition(visit, "report_no_access", actor=actor, at=timezone.now(), reason=reason)


def visit_switch_to_swap(*, visit: Visit, actor=None, reason: str = "") -> Visit:
    """No slot keeps the promise: cancel the unbooked visit and order a swap instead."""
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.NO_ACCESS):
        raise VisitError(_("Only a visit not yet booked is replaced by a swap."),
                        code="visit_booked")
    handset = visit.case.handset
    if handset is None or handset.model_id is None or not stock_available(
            model=handset.model, variant=handset.variant):
        raise VisitError(_("No like-for-like unit in stock: a swap is not possible."),
                        code="no_stock")
    with transaction.atomic():
        transition(visit, "cancel", actor=actor, reason=reason or "replaced by a swap")
        _swap_instead(visit, actor=actor, findings=reason)
    return visit


def _swap_instead(visit: Visit, *, actor, findings: str) -> None:
    """Order the swap that replaces the visit (same decision and quote) and tell the customer."""
    swap = swap_request(case=visit.case, decision=visit.decision, quote=visit.quote,
                        actor=actor, findings=findings)
    notification_send(case=visit.case, template="outcome_booked",
                      context={"outcome": "swap", "paid": visit.paid,
                               "address": swap.address_line})
