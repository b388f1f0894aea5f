"""Demo data of the customer self-service: one waiting question, and the tracking links to try.

Idempotent: the question is found by its case and message before it is created.
"""

from __future__ import annotations

from exchanges.models import Swap, SwapStatus
from hotline.models import Case
from selfservice.models import FollowUp
from selfservice.services import followup_open, tracking_link

QUESTION = "Le livreur peut-il passer après 18 h ? Je travaille la journée."


def load(*, stdout) -> None:
    swap = (Swap.objects.filter(status__in=[SwapStatus.DELIVERY_FAILED, SwapStatus.HELD_AT_DEPOT])
            .select_related("case").first()
            or Swap.objects.select_related("case").first())
    case = swap.case if swap is not None else Case.objects.order_by("id").first()
    if case is None:
        stdout.write("selfservice: no demo case; no tracking link")
        return
    if not FollowUp.objects.filter(case=case, message=QUESTION).exists():
        followup_open(case=case, kind="question", message=QUESTION)
    stdout.write(f"selfservice: customer tracking page of {case.number}: {tracking_link(case)} "
                 f"(or /track/ with the case number and postcode)")
