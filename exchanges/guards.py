"""What the case's swaps and visits allow the case to do now (hotline.case_guards).

One condition for the case page's buttons, the API and the transition itself: a case is
resolved when its swap closed or its visit was completed (docs/case-workflow.md), so an open
swap or visit refuses "resolve" (a parcel in limbo keeps its own path: redelivery, depot
collection, return, loss, the faulty unit's return); a replacement already with the courier or
the customer cannot be undone by cancelling the case.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from exchanges.models import Swap, SwapStatus, Visit
from hotline.case_guards import guard_rows

S = SwapStatus
# Cancelling the case cancels a swap in these states (exchanges.swaps.services.exceptions).
CASE_CANCEL_SWAP_STATES = [S.REQUESTED, S.RESERVED, S.BACKORDERED, S.RETURNED_TO_SENDER]
# The faulty unit is expected back: its inspection closes the swap and resolves the case.
AWAITING_RETURN_STATES = [S.DELIVERED, S.RETURN_IN_TRANSIT, S.RETURN_RECEIVED, S.INSPECTED]


def swap_resolve_refusal(swap: Swap) -> str:
    status = swap.get_status_display()
    if swap.status in AWAITING_RETURN_STATES:
        return _("The swap is %(status)s: the case is resolved when the faulty unit is "
                 "inspected and the swap closes.") % {"status": status}
    if swap.status == S.FAULTY_NOT_RETURNED:
        return _("The swap is %(status)s: charge the unit or record its return; closing the "
                 "swap resolves the case.") % {"status": status}
    return _("The swap is %(status)s: work the swap (its own path: redelivery, collection at "
             "the depot, return or loss) before resolving the case.") % {"status": status}


def swap_cancel_refusal(swap: Swap) -> str:
    return _("The replacement is already %(status)s: work the swap instead of cancelling the "
             "case.") % {"status": swap.get_status_display()}


def case_guard(case, name: str) -> list[str]:
    """Reasons the case's swaps and visits refuse case transition `name` now."""
    if name not in ("resolve", "cancel", "cancel_in_service"):
        return []
    swaps = guard_rows(case, "exchanges.open_swaps",
                       lambda: list(Swap.objects.filter(case=case).open().order_by("pk")))
    if name == "resolve":
        visits = guard_rows(case, "exchanges.open_visits",
                            lambda: list(Visit.objects.filter(case=case).open().order_by("pk")))
        reasons = [swap_resolve_refusal(swap) for swap in swaps]
        reasons += [_("The visit is %(status)s: the technician's report resolves the case.")
                    % {"status": visit.get_status_display()} for visit in visits]
        return reasons
    return [swap_cancel_refusal(swap) for swap in swaps
            if swap.status not in CASE_CANCEL_SWAP_STATES]
