"""The repair centre's work on a repair order: diagnosis, parts, repair, quality check, and
how the order ends (shipped back, back in stock, replaced by a swap, retired)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import ReplacementUnit, UnitGrade, UnitStatus
from hotline.errors import CaseError
from hotline.notifications import notification_send
from hotline.services import sequence_next
from hotline.workflow import record_event, transition
from repairs.models import RepairKind, RepairOrder, RepairResult, RepairStatus
from repairs.services import parts as parts_service
from repairs.services.findings import findings_publish

R = RepairStatus


def repair_number() -> str:
    year = timezone.now().year
    return f"R-{year}-{sequence_next(name=f'repair-{year}'):06d}"


def _locked(order: RepairOrder) -> RepairOrder:
    return RepairOrder.objects.select_for_update(of=("self",)).select_related(
        "case__customer", "unit", "model", "fault_code").get(pk=order.pk)


def repair_from_returned_unit(*, unit: ReplacementUnit, fault_code, notes: str = "",
                              actor=None) -> RepairOrder | None:
    """Queue a returned swap unit for repair at the centre (inspection hook; idempotent)."""
    if unit.status != UnitStatus.RETURNED or not unit.imei:
        return None
    existing = RepairOrder.objects.open().filter(unit=unit).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        order = RepairOrder.objects.create(
            number=repair_number(), kind=RepairKind.STOCK, unit=unit, model=unit.model,
            imei=unit.imei, fault_code=fault_code, inspection_notes=notes,
            status=R.RECEIVED, received_at=timezone.now(),
            street="", postcode="", city="", country="",
            created_by=actor if actor is not None and actor.is_authenticated else None)
        record_event(order, action="repair_queued", actor=actor, case=None,
                     data={"imei": unit.imei, "unit": unit.pk, "fault_code": fault_code.code})
    return order


def repair_diagnose(*, order: RepairOrder, actor=None) -> RepairOrder:
    with transaction.atomic():
        return transition(_locked(order), "diagnose", actor=actor)


def _record_findings(order: RepairOrder, *, found_fault_code, component: str,
                     root_cause: str, notes: str) -> None:
    RepairOrder.objects.filter(pk=order.pk).update(
        found_fault_code=found_fault_code or order.fault_code, component=component.strip(),
        root_cause=root_cause.strip(),
        work_notes="\n".join(filter(None, [order.work_notes, notes.strip()])))
    order.refresh_from_db()


def repair_plan(*, order: RepairOrder, actor=None, parts=(), found_fault_code=None,
                component: str = "", root_cause: str = "", notes: str = "") -> RepairOrder:
    """Record the diagnosis (fault found, component, root cause) and the parts it needs: the
    repair starts when every part is reserved, else it waits for parts."""
    if not component.strip():
        raise CaseError(_("Name the component at fault."), field="component")
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (R.DIAGNOSING, R.AWAITING_CONSENT, R.REPAIRING):
            raise CaseError(_("Repair %(number)s is %(status)s: parts are planned while it is "
                              "diagnosed or repaired.") % {"number": order.number,
                                                           "status": order.get_status_display()},
                            code="not_diagnosing")
        if order.status == R.AWAITING_CONSENT and not _consented(order):
            raise CaseError(_("No repair before the customer's written consent to the quote."),
                            code="no_consent")
        _record_findings(order, found_fault_code=found_fault_code, component=component,
                         root_cause=root_cause, notes=notes)
        for part, quantity in parts:
            parts_service.parts_request(order=order, part=part, quantity=quantity, actor=actor)
        if parts_service.parts_all_reserved(order):
            if order.status != R.REPAIRING:
                transition(order, "start_repair", actor=actor)
        else:
            transition(order, "wait_for_parts", actor=actor)
    return order


def _consented(order: RepairOrder) -> bool:
    return order.quote_id is not None and order.quote.status == "accepted"


def repair_parts_arrived(*, order: RepairOrder, actor=None) -> RepairOrder:
    """Start a repair that waited for parts, once all of them are reserved."""
    with transaction.atomic():
        order = _locked(order)
        if not parts_service.parts_all_reserved(order):
            raise CaseError(_("Some parts are still missing."), code="parts_missing")
        return transition(order, "start_repair", actor=actor)


def repair_finish(*, order: RepairOrder, actor=None, notes: str = "") -> RepairOrder:
    """The repair is done: its parts are consumed and the unit goes to quality check."""
    with transaction.atomic():
        order = _locked(order)
        transition(order, "finish_repair", actor=actor, reason=notes)
        parts_service.parts_consume(order=order, actor=actor)
        RepairOrder.objects.filter(pk=order.pk).update(result=RepairResult.REPAIRED)
        order.result = RepairResult.REPAIRED
        _publish(order)
    return order


def repair_no_fault(*, order: RepairOrder, actor=None, notes: str) -> RepairOrder:
    """No fault found on the bench: recorded, checked, returned as is (or restocked)."""
    if not notes.strip():
        raise CaseError(_("Say what was tested."), field="notes")
    with transaction.atomic():
        order = _locked(order)
        transition(order, "find_no_fault", actor=actor, reason=notes)
        _record_findings(order, found_fault_code=None, component="", root_cause="",
                         notes=notes)
        _publish(order)
    return order


def repair_check(*, order: RepairOrder, passed: bool, actor=None, notes: str = "") -> RepairOrder:
    """The quality check: a failed one sends the unit back to the bench; a passed one returns a
    stock unit to replacement stock as refurbished, or ships a customer's unit back."""
    with transaction.atomic():
        order = _locked(order)
        if not passed:
            if not notes.strip():
                raise CaseError(_("Say what failed the check."), field="notes")
            return transition(order, "fail_check", actor=actor, reason=notes)
        if order.kind == RepairKind.STOCK:
            return _restock(order, actor)
        record_event(order, action="quality_check_passed", actor=actor, reason=notes)
    from repairs.services.mail_in import mail_in_ship_back

    return mail_in_ship_back(order=order, actor=actor)


def _restock(order: RepairOrder, actor) -> RepairOrder:
    now = timezone.now()
    transition(order, "restock", actor=actor, at=now, data={"unit": order.unit_id,
                                                             "imei": order.imei})
    ReplacementUnit.objects.filter(pk=order.unit_id).update(
        status=UnitStatus.AVAILABLE, grade=UnitGrade.REFURBISHED, location="main")
    _measure(order, now)
    record_event(order.unit, action="unit_refurbished", actor=actor, case=None,
                 data={"repair": order.number, "imei": order.imei})
    return order


def _measure(order: RepairOrder, finished_at) -> None:
    """Store the turnaround and whether it was fixed the first time (no failed check, no
    earlier repair of this IMEI in the last 90 days)."""
    start = order.created_at if order.kind == RepairKind.MAIL_IN else order.received_at
    seconds = max(0, int((finished_at - start).total_seconds())) if start else None
    earlier = RepairOrder.objects.filter(
        imei=order.imei, created_at__lt=order.created_at,
        created_at__gte=order.created_at - timezone.timedelta(days=90)).exists()
    first = order.result in (RepairResult.REPAIRED,) and order.checks_failed == 0 and not earlier
    RepairOrder.objects.filter(pk=order.pk).update(turnaround_seconds=seconds,
                                                   first_time_fix=first)


def repair_retire(*, order: RepairOrder, reason: str, actor=None) -> RepairOrder:
    """A stock unit that cannot be repaired leaves the stock for good, with the reason."""
    if not reason.strip():
        raise CaseError(_("Say why the unit is retired."), field="reason")
    with transaction.atomic():
        order = _locked(order)
        transition(order, "retire", actor=actor, reason=reason)
        RepairOrder.objects.filter(pk=order.pk).update(
            end_reason=reason[:300], result=RepairResult.UNREPAIRABLE, finished_at=timezone.now())
        parts_service.parts_release(order=order, actor=actor)
        ReplacementUnit.objects.filter(pk=order.unit_id).update(status=UnitStatus.RETIRED)
        record_event(order.unit, action="unit_retired", actor=actor, case=None, reason=reason,
                     data={"repair": order.number, "imei": order.imei})
        order.result = RepairResult.UNREPAIRABLE
        _publish(order)
    return order


def _publish(order: RepairOrder) -> None:
    findings_publish(subject=order, case=order.case, model=order.model, imei=order.imei,
                     fault_code=order.found_fault_code or order.fault_code,
                     component=order.component, root_cause=order.root_cause,
                     result=order.result, source="repair_centre",
                     damage=order.quote_id is not None and order.decision_id is not None
                     and not order.decision.paid)


def repair_damage_found(*, order: RepairOrder, actor=None, notes: str, component: str,
                        amount, currency: str = "EUR") -> RepairOrder:
    """Customer-induced damage on a mail-in unit: a quote is sent; nothing is repaired before
    the customer's written consent (the same quotes as paid swaps)."""
    from repairs.services.mail_in import repair_quote_send

    if not notes.strip():
        raise CaseError(_("Describe the damage."), field="notes")
    with transaction.atomic():
        order = _locked(order)
        _record_findings(order, found_fault_code=None, component=component,
                         root_cause=_("customer-induced damage"), notes=notes)
        transition(order, "await_consent", actor=actor, reason=notes)
        repair_quote_send(order=order, actor=actor, amount=amount, currency=currency,
                          description=notes)
    return order


def repair_notify(order: RepairOrder, template: str, *, attachment: str = "",
                  attachment_kwargs: dict | None = None, **context) -> None:
    if order.case_id is not None:
        notification_send(case=order.case, template=template,
                          context={"repair_number": order.number, **context},
                          attachment=attachment, attachment_kwargs=attachment_kwargs)
