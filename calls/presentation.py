"""How the supervisors' pages show the call figures: interval labels in the reader's language,
operators by name, and the charts (hotline.charts: server-rendered SVG, one look everywhere).

The figures themselves come from calls.metrics and calls.forecast; nothing here counts calls.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from calls.metrics import FIXED_INTERVALS
from hotline.charts import Series, bar_chart, format_percent, line_chart
from hotline.dates import format_local
from hotline.models import Profile


def _format(moment: datetime.datetime, pattern: str) -> str:
    return format_local(moment, pattern)


def interval_label(start: datetime.datetime | str, interval: str) -> str:
    """Return an interval as a reader says it: "Mon 23 Nov 10:00–10:30" ("lun. 23 nov.
    10:00–10:30" in French), "Mon 23 Nov" for a day, "week of Mon 23 Nov", "November 2026"."""
    if isinstance(start, str):
        start = datetime.datetime.fromisoformat(start)
    if interval in FIXED_INTERVALS:
        end = start + datetime.timedelta(seconds=FIXED_INTERVALS[interval])
        return f"{_format(start, 'EEE d MMM HH:mm')}–{_format(end, 'HH:mm')}"
    if interval == "day":
        return _format(start, "EEE d MMM")
    if interval == "week":
        return _("week of %(day)s") % {"day": _format(start, "EEE d MMM")}
    return _format(start, "LLLL y")


def _axis_label(start: datetime.datetime, interval: str, one_day: bool) -> str:
    if interval in FIXED_INTERVALS:
        return _format(start, "HH:mm" if one_day else "EEE d HH:mm")
    if interval in ("day", "week"):
        return _format(start, "d MMM")
    return _format(start, "LLL y")


def _target_label(target: float) -> str:
    return _("Target (%(value)s)") % {"value": format_percent(target)}


def operator_names(agent_ids: Iterable[str]) -> dict[str, str]:
    """Return agent id -> the name of the user it is mapped to (one query)."""
    profiles = Profile.objects.filter(agent_id__in=[a for a in agent_ids if a]).select_related("user")
    return {p.agent_id: p.user.get_full_name() or p.user.get_username() for p in profiles}


def report_rows(report: dict) -> list[dict]:
    """Return the report's rows, each with the `label` the page shows."""
    group, interval = report["group"], report["interval"]
    names = operator_names(row["key"] for row in report["rows"]) if group == "operator" else {}
    rows = []
    for row in report["rows"]:
        key = row["key"]
        if group == "interval" and key:
            label = interval_label(key, interval)
        elif group == "operator" and key in names:
            label = f"{names[key]} ({key})"
        elif group == "operator" and not key:
            label = _("no operator (abandoned or waiting)")
        else:
            label = key or "—"
        rows.append({**row, "label": label})
    return rows


def report_charts(report: dict, *, target: float) -> list[SafeString]:
    """Return the report's charts (rows by interval only): service level against the target,
    calls offered, answered and abandoned, and the average speed of answer."""
    rows = report["rows"]
    if report["group"] != "interval" or not rows:
        return []
    interval = report["interval"]
    starts = [datetime.datetime.fromisoformat(row["key"]) for row in rows]
    one_day = len({timezone.localtime(s).date() for s in starts}) == 1
    labels = [_axis_label(s, interval, one_day) for s in starts]
    return [
        line_chart(title=_("Service level per interval"), labels=labels,
                   series=[Series(_("Service level"), [r["service_level"] for r in rows])],
                   target=target, target_label=_target_label(target), percent=True,
                   y_min=0, y_max=1),
        bar_chart(title=_("Calls per interval"), labels=labels, series=[
            Series(_("Offered"), [r["offered"] for r in rows]),
            Series(pgettext("calls", "Answered"), [r["answered"] for r in rows]),
            Series(pgettext("calls", "Abandoned"), [r["abandoned"] for r in rows])]),
        line_chart(title=_("Average speed of answer (s)"), labels=labels,
                   series=[Series(_("ASA"), [r["asa"] for r in rows])], y_min=0),
    ]


def day_charts(volumes: Sequence[dict], *, day_start: datetime.datetime,
               now: datetime.datetime, target: float, size: int = 1800) -> list[SafeString]:
    """Return the wallboard's day so far per half hour (from the first call to now): calls
    answered and abandoned, and the service level against the target."""
    if not volumes:
        return []
    by_start = {row["start"].timestamp(): row for row in volumes}
    first = min(by_start)
    last = max(max(by_start), now.timestamp() - now.timestamp() % size)
    slots = [datetime.datetime.fromtimestamp(first + k * size, tz=day_start.tzinfo)
             for k in range(int((last - first) // size) + 1)]
    rows = [by_start.get(slot.timestamp()) for slot in slots]
    labels = [_format(slot, "HH:mm") for slot in slots]
    return [
        bar_chart(title=_("Calls per half hour today"), labels=labels, stacked=True,
                  width=600, height=300, series=[
                      Series(pgettext("calls", "Answered"), [r["answered"] if r else 0 for r in rows]),
                      Series(pgettext("calls", "Abandoned"), [r["abandoned"] if r else 0 for r in rows])]),
        line_chart(title=_("Service level per half hour today"), labels=labels, width=600, height=300,
                   series=[Series(_("Service level"),
                                  [r["service_level"] if r else None for r in rows])],
                   target=target, target_label=_target_label(target), percent=True, y_min=0, y_max=1),
    ]


def plan_chart(plan: Sequence, *, day: datetime.date) -> SafeString | None:
    """Return the planner's chart: operators needed for the forecast calls (with shrinkage)
    against the operators rostered, per interval."""
    if not plan:
        return None
    labels = [_format(row.start, "HH:mm") for row in plan]
    top = max(max(row.agents_with_shrinkage or 0, row.rostered) for row in plan)
    step = max(1, -(-top // 8))  # whole operators, at most about eight labels
    return line_chart(
        y_labels=range(0, top + step, step),
        title=_("Operators needed for the forecast and rostered, %(day)s") % {
            "day": format_local(day, "EEE d MMM")},
        labels=labels, y_min=0,
        series=[Series(_("Needed with shrinkage"), [row.agents_with_shrinkage for row in plan]),
                Series(_("Rostered"), [row.rostered for row in plan])])
