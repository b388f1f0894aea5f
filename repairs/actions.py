"""One action table for the repair order, shared by the console and the API: each action
says which transition it runs, what form it needs, and which service does it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from repairs import forms
from repairs.services import mail_in, orders


@dataclass(frozen=True)
class Action:
    label: str
    transition: str
    form: type | None
    run: object  # (order, actor, cleaned_data) -> order
    tone: str = ""


def _plan(order, actor, data):
    part = data.get("part")
    return orders.repair_plan(order=order, actor=actor,
                              parts=[(part, data.get("quantity") or 1)] if part else [],
                              found_fault_code=data.get("found_fault_code"),
                              component=data["component"], root_cause=data.get("root_cause", ""),
                              notes=data.get("notes", ""))


ACTIONS: dict[str, Action] = {
    "receive": Action(_("Received at the centre"), "receive", forms.ReceiveForm,
                      lambda o, a, d: mail_in.mail_in_receive(order=o, actor=a,
                                                              imei=d.get("imei") or "")),
    "diagnose": Action(_("Start the diagnosis"), "diagnose", None,
                       lambda o, a, d: orders.repair_diagnose(order=o, actor=a)),
    "plan": Action(_("Record the fault and the parts"), "start_repair", forms.PlanForm, _plan,
                   tone="primary"),
    "parts_arrived": Action(_("Parts reserved: start the repair"), "start_repair", None,
                            lambda o, a, d: orders.repair_parts_arrived(order=o, actor=a)),
    "no_fault": Action(_("No fault found"), "find_no_fault", forms.NotesForm,
                       lambda o, a, d: orders.repair_no_fault(order=o, actor=a,
                                                              notes=d.get("notes", ""))),
    "damage": Action(_("Customer damage: send a quote"), "await_consent", forms.DamageForm,
                     lambda o, a, d: orders.repair_damage_found(
                         order=o, actor=a, notes=d["notes"], component=d["component"],
                         amount=d["amount"])),
    "consent": Action(_("Signed consent received"), "start_repair", forms.ConsentForm,
                      lambda o, a, d: mail_in.repair_consent(order=o, accepted=True, actor=a,
                                                             signed_by=d.get("signed_by", ""))),
    "decline": Action(_("Customer declined: return unrepaired"), "ship_back", None,
                      lambda o, a, d: mail_in.repair_consent(order=o, accepted=False, actor=a)),
    "finish": Action(_("Repair done: to quality check"), "finish_repair", forms.NotesForm,
                     lambda o, a, d: orders.repair_finish(order=o, actor=a,
                                                          notes=d.get("notes", "")),
                     tone="primary"),
    "pass_check": Action(_("Quality check passed"), "restock|ship_back", forms.NotesForm,
                         lambda o, a, d: orders.repair_check(order=o, passed=True, actor=a,
                                                             notes=d.get("notes", "")),
                         tone="primary"),
    "fail_check": Action(_("Quality check failed"), "fail_check", forms.NotesForm,
                         lambda o, a, d: orders.repair_check(order=o, passed=False, actor=a,
                                                             notes=d.get("notes", ""))),
    "replace": Action(_("Beyond economic repair: order a swap"), "replace", forms.ReasonForm,
                      lambda o, a, d: mail_in.mail_in_replace(order=o, actor=a,
                                                              reason=d["reason"]),
                      tone="danger"),
    "retire": Action(_("Cannot be repaired: retire the unit"), "retire", forms.ReasonForm,
                     lambda o, a, d: orders.repair_retire(order=o, actor=a, reason=d["reason"]),
                     tone="danger"),
    "cancel": Action(_("Cancel (handset never sent)"), "cancel", forms.ReasonForm,
                     lambda o, a, d: mail_in.mail_in_cancel(order=o, actor=a,
                                                            reason=d["reason"]),
                     tone="danger"),
    "close": Action(_("Close"), "close", None,
                    lambda o, a, d: _close(o, a)),
}


def _close(order, actor):
    from django.db import transaction

    from hotline.workflow import transition

    with transaction.atomic():
        return transition(orders._locked(order), "close", actor=actor)


def available(order, allowed: list[str]) -> list[tuple[str, Action]]:
    """The actions the order's state allows now, in table order."""
    from repairs.models import RepairStatus

    found = []
    for key, action in ACTIONS.items():
        names = action.transition.split("|")
        if key == "parts_arrived" and order.status != RepairStatus.WAITING_PARTS:
            continue
        if key == "plan" and order.status not in (RepairStatus.DIAGNOSING,
                                                  RepairStatus.REPAIRING):
            continue
        if key in ("consent", "decline") and order.status != RepairStatus.AWAITING_CONSENT:
            continue
        if key == "pass_check" and order.status != RepairStatus.QUALITY_CHECK:
            continue
        if key == "plan" and order.status == RepairStatus.REPAIRING:
            found.append((key, action))
            continue
        if any(name in allowed for name in names):
            found.append((key, action))
    return found
