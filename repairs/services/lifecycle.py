"""What happens to a case's referral and repairs when the case itself ends."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hotline.case_guards import guard_rows
from hotline.errors import CaseError
from hotline.workflow import transition
from repairs.models import Referral, ReferralStatus, RepairOrder, RepairStatus


def _referral_refusal(referral, doing: str) -> str:
    if doing == "revise":
        return _("The handset is at the service point (%(reference)s): finish the referral "
                 "before taking the decision back.") % {"reference": referral.reference}
    return _("The handset is at the service point (%(reference)s): finish the referral "
             "instead of cancelling the case.") % {"reference": referral.reference}


def _repair_refusal(order) -> str:
    return _("The handset is with the repair centre (%(number)s): work the repair instead of "
             "cancelling the case.") % {"number": order.number}


def case_guard(case, name: str) -> list[str]:
    """Reasons the case's referral and repairs refuse case transition `name` now (the case
    page's buttons and the transitions read it: hotline.case_guards)."""
    if name not in ("cancel", "cancel_in_service", "revise", "resolve"):
        return []
    orders = guard_rows(case, "repairs.open_orders", lambda: list(
        RepairOrder.objects.filter(case=case).open().order_by("pk")))
    if name == "resolve":
        return [_("The repair %(number)s is %(status)s: its delivery to the customer resolves "
                  "the case.") % {"number": order.number, "status": order.get_status_display()}
                for order in orders]
    referrals = guard_rows(case, "repairs.open_referrals", lambda: list(
        Referral.objects.filter(case=case).open().order_by("pk")))
    reasons = [_referral_refusal(referral, name) for referral in referrals
               if referral.status != ReferralStatus.AWAITING_DROP_OFF]
    if name != "revise":
        reasons += [_repair_refusal(order) for order in orders
                    if order.status != RepairStatus.AWAITING_UNIT]
    return reasons


def repairs_case_cancelled(*, case, actor=None, reason: str = "") -> None:
    """Case cancelled (hook run in its transaction): a referral not yet at the service point
    and a repair whose handset was never sent are cancelled with it. A handset already in a
    shop or at the repair centre is not abandoned by a cancellation: it is refused."""
    reason = reason or "case cancelled"
    for referral in Referral.objects.select_for_update().filter(case=case).open():
        if referral.status != ReferralStatus.AWAITING_DROP_OFF:
            raise CaseError(_referral_refusal(referral, "cancel"), code="referral_under_way")
        transition(referral, "cancel", actor=actor, reason=reason, check_permission=False)
    for order in RepairOrder.objects.select_for_update().filter(case=case).open():
        if order.status != RepairStatus.AWAITING_UNIT:
            raise CaseError(_repair_refusal(order), code="repair_under_way")
        transition(order, "cancel", actor=actor, reason=reason, check_permission=False)


def repairs_case_revised(*, case, actor=None, reason: str = "") -> None:
    """A supervisor took back the decision to refer (hook run in its transaction): a referral
    not yet at the service point is cancelled; a handset already dropped off refuses it."""
    reason = reason or "decision taken back"
    for referral in Referral.objects.select_for_update().filter(case=case).open():
        if referral.status != ReferralStatus.AWAITING_DROP_OFF:
            raise CaseError(_referral_refusal(referral, "revise"), code="referral_under_way")
        transition(referral, "cancel", actor=actor, reason=reason, check_permission=False)
