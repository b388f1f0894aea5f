"""The exchanges figures of the supervisors' wallboard (hotline.figures plug-ins)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from exchanges.models import Swap, Visit
from exchanges.swaps.selectors import swap_measures
from exchanges.visits.selectors import visit_promises
from hotline.figures import Figure
from hotline.timeutils import local_day_bounds


def wallboard_figures() -> list[Figure]:
    """Swaps and visits ordered today, and the logistics promises (swap deliveries and
    technician visits) due today and late."""
    start, end = local_day_bounds()
    swaps, visits = swap_measures(), visit_promises()
    late = swaps["late"] + visits["late"]
    return [
        Figure("outcome_swap", _("Swaps ordered today"),
               Swap.objects.filter(created_at__gte=start, created_at__lt=end).count(), order=20),
        Figure("outcome_visit", _("Visits ordered today"),
               Visit.objects.filter(created_at__gte=start, created_at__lt=end).count(), order=30),
        Figure("promises_due_today", _("Promises due today"),
               swaps["due_today"] + visits["due_today"], order=40),
        Figure("promises_late", _("Promises late"), late, tone="bad" if late else "good",
               order=50),
    ]
