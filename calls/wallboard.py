"""The supervisors' wallboard: live figures, plus figures other apps plug in.

An app lists dotted paths in its AppConfig's `wallboard_figures`; each is a function
`() -> list[Figure]`. Slots no provider fills are shown as "—", never as a made-up number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from calls import metrics
from calls.models import AgentState, AgentStatus
from hotline.timeutils import local_day_bounds

# The slots the wallboard always shows, in order; providers fill them by key.
PLUGGED_SLOTS = [
    ("outcome_advice", _("Advice given today")),
    ("outcome_swap", _("Swaps ordered today")),
    ("outcome_visit", _("Visits ordered today")),
    ("promises_due_today", _("Promises due today")),
    ("promises_late", _("Promises late")),
]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | str | None
    tone: str = ""  # "", "good", "warn", "bad"


def plugged_figures() -> dict[str, Figure]:
    """Collect the figures every app's providers return, by key (the first one wins)."""
    found: dict[str, Figure] = {}
    for config in apps.get_app_configs():
        for path in getattr(config, "wallboard_figures", ()):
            for figure in import_string(path)() or ():
                found.setdefault(figure.key, figure)
    return found


def wallboard(*, threshold: float = 20, short_abandon: float = 5, queue: str | None = None,
              now: datetime.datetime | None = None) -> dict:
    """Return everything the wallboard shows."""
    start, end = local_day_bounds(now)
    today = metrics.sla_report(start=start, end=end, interval="day", threshold=threshold,
                               short_abandon=short_abandon, queue=queue, group="total")["total"]
    counts = dict(AgentState.objects.exclude(status=AgentStatus.LOGGED_OUT)
                  .values_list("status").annotate(n=Count("pk")).order_by())
    plugged = plugged_figures()
    slots = [plugged.get(key) or Figure(key=key, label=str(label), value=None)
             for key, label in PLUGGED_SLOTS]
    extra = [figure for key, figure in plugged.items()
             if key not in {slot for slot, _label in PLUGGED_SLOTS}]
    return {
        "now": timezone.localtime(now or timezone.now()),
        "queue": queue,
        "threshold": threshold,
        "waiting": metrics.waits_now(queue=queue),
        "today": today,
        "agents": {
            "available": counts.get(AgentStatus.AVAILABLE, 0),
            "on_call": counts.get(AgentStatus.ON_CALL, 0),
            "wrapup": counts.get(AgentStatus.WRAPUP, 0),
            "paused": counts.get(AgentStatus.PAUSED, 0),
        },
        "figures": slots + extra,
    }


def case_outcomes_today() -> list[Figure]:
    """Advice outcomes today: cases that reached `advised` today, from the audit trail.

    Swaps and visits are counted by the app that orders them (exchanges), not guessed here.
    """
    from hotline.models import AuditEvent, CaseStatus

    start, end = local_day_bounds()
    advised = (AuditEvent.objects.filter(at__gte=start, at__lt=end, case__isnull=False,
                                         target=CaseStatus.ADVISED)
               .values("case").distinct().count())
    return [Figure(key="outcome_advice", label=str(_("Advice given today")), value=advised)]
