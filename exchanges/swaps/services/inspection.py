"""Swaps: the returned unit received and inspected (stock to repair or quarantine), and the
IMEI ledger kept when the replacement is delivered."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchanges.errors import SwapError
from exchanges.models import (
    InspectionOutcome,
    ReplacementUnit,
    Swap,
    SwapInspection,
    SwapStatus,
    UnitGrade,
    UnitStatus,
)
from hotline.imei import validate_imei
from hotline.models import Handset
from hotline.services import case_resolve
from hotline.workflow import actor_or_none, record_event, transition

S = SwapStatus


def ledger_record(*, swap: Swap):
    """The delivered replacement becomes the customer's registered handset, keeping the
    original warranty end; the chain original -> replacement is kept on the swap."""
    with transaction.atomic():  # the ledger and its audit rows together
        original = swap.case.handset
        unit = swap.unit
        if unit is None or not unit.imei:
            record_event(swap, action="ledger_not_updated",
                         reason=gettext_noop("replacement unit has no IMEI"))
            return None
        warranty_end = swap.warranty_end or (original.warranty_end if original else None)
        handset, created = Handset.objects.get_or_create(imei=unit.imei, defaults={
            "model": unit.model, "variant": unit.variant, "owner": swap.case.customer,
            "purchase_date": original.purchase_date if original else None,
            "sold_by": original.sold_by if original else None,
            "warranty_end_override": warranty_end})
        if not created:
            handset.owner, handset.warranty_end_override = swap.case.customer, warranty_end
            handset.save(update_fields=["owner", "warranty_end_override"])
        Swap.objects.filter(pk=swap.pk).update(original_handset=original,
                                               replacement_handset=handset)
        swap.original_handset, swap.replacement_handset = original, handset
        record_event(swap, action="imei_ledger_updated", data={
            "original": original.imei if original else "", "replacement": handset.imei,
            "warranty_end": warranty_end.isoformat() if warranty_end else None})
        return handset


def swap_return_receive(*, swap: Swap, actor=None) -> Swap:
    """The repair centre received the faulty unit (scanned in without a tracking event)."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        return transition(swap, "receive_return", actor=actor, at=timezone.now())


QUARANTINE_OUTCOMES = {InspectionOutcome.ACTIVATION_LOCK, InspectionOutcome.DATA_NOT_WIPED,
                       InspectionOutcome.CUSTOMER_DAMAGE}


def swap_inspect(*, swap: Swap, actor=None, received_imei: str, outcome: str,
                 fault_code=None, notes: str = "") -> SwapInspection:
    """Record the repair centre's inspection of the returned unit, put the unit in repair or
    quarantine stock, close the swap and resolve the case."""
    if outcome not in InspectionOutcome.values:
        raise SwapError(_("Unknown inspection outcome."), field="outcome")
    if outcome == InspectionOutcome.FAULT_CONFIRMED and fault_code is None:
        raise SwapError(_("A confirmed fault needs its fault code."), field="fault_code")
    try:
        received_imei = validate_imei(received_imei)
    except Exception as exc:  # noqa: BLE001 (the validator raises Django's ValidationError)
        raise SwapError(_("This IMEI is not valid."), field="received_imei") from exc
    with transaction.atomic():
        swap = Swap.objects.select_for_update(of=("self",)).select_related("case__handset").get(pk=swap.pk)
        original = swap.case.handset
        matches = original is not None and original.imei == received_imei
        quarantine = not matches or outcome in QUARANTINE_OUTCOMES
        transition(swap, "inspect", actor=actor, reason=notes,
                   data={"outcome": outcome, "received_imei": received_imei,
                         "imei_matches": matches})
        destination = {"warehouse": swap.warehouse,
                       "location": "quarantine" if quarantine else "repair",
                       "grade": UnitGrade.REFURBISHED,
                       "status": UnitStatus.QUARANTINED if quarantine else UnitStatus.RETURNED}
        unit = ReplacementUnit.objects.filter(imei=received_imei).first()
        if unit is None:  # the handset enters our stock, to repair or in quarantine
            unit = ReplacementUnit.objects.create(
                model=original.model if original and original.model else swap.model,
                variant=original.variant if original else swap.variant, imei=received_imei,
                **destination)
        else:  # a unit we knew (an earlier replacement coming back)
            ReplacementUnit.objects.filter(pk=unit.pk).update(**destination)
            if SwapInspection.objects.filter(unit=unit).exists():
                unit = None  # inspected before (an earlier swap) keeps its link
        inspection = SwapInspection.objects.create(
            swap=swap, received_imei=received_imei, imei_matches=matches, outcome=outcome,
            fault_code=fault_code, notes=notes, unit=unit,
            inspected_by=actor_or_none(actor))
        if not matches:
            record_event(swap, action="returned_imei_mismatch", actor=actor, data={
                "expected": original.imei if original else "", "received": received_imei})
        transition(swap, "close", actor=actor, at=timezone.now(), check_permission=False)
        if unit is not None and not quarantine:
            _returned_unit_hooks(unit=unit, fault_code=fault_code or swap.fault_code,
                                 notes=notes, actor=actor)
        if swap.case.status == "in_service":
            case_resolve(case=swap.case, actor=actor, reason=_("Swap closed"))
    return inspection


def _returned_unit_hooks(*, unit, fault_code, notes: str, actor) -> None:
    """A unit put in repair stock joins the repair queue of the app that repairs it (its
    AppConfig's `returned_unit_hooks`, run in the inspection's transaction)."""
    for config in apps.get_app_configs():
        for path in getattr(config, "returned_unit_hooks", ()):
            import_string(path)(unit=unit, fault_code=fault_code, notes=notes, actor=actor)
