"""The supervisors' wallboard: live call figures, plus the figures other apps plug in
(`hotline.figures`: each app lists its providers in its AppConfig's `wallboard_figures`)."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from calls import metrics
from calls.models import AgentState, AgentStatus
from hotline.figures import figures_plugged
from hotline.timeutils import local_day_bounds


def wallboard(*, threshold: float | None = None, short_abandon: float | None = None,
              queue: str | None = None, now: datetime.datetime | None = None) -> dict:
    """Return everything the wallboard shows (thresholds default to the settings)."""
    threshold = metrics.sl_threshold() if threshold is None else threshold
    start, end = local_day_bounds(now)
    today = metrics.sla_report(start=start, end=end, interval="day", threshold=threshold,
                               short_abandon=short_abandon, queue=queue, group="total")["total"]
    intervals = metrics.interval_volumes(start=start, end=end, size=1800, threshold=threshold,
                                         queue=queue)
    counts = dict(AgentState.objects.exclude(status=AgentStatus.LOGGED_OUT)
                  .values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "now": timezone.localtime(now or timezone.now()),
        "queue": queue,
        "threshold": threshold,
        "target": metrics.sl_target(),
        "day_start": start,
        "intervals": intervals,
        "waiting": metrics.waits_now(queue=queue),
        "today": today,
        "agents": {
            "available": counts.get(AgentStatus.AVAILABLE, 0),
            "on_call": counts.get(AgentStatus.ON_CALL, 0),
            "wrapup": counts.get(AgentStatus.WRAPUP, 0),
            "paused": counts.get(AgentStatus.PAUSED, 0),
        },
        "figures": figures_plugged(),
    }
