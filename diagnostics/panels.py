"""The diagnosis panel on the case page."""

from __future__ import annotations

from diagnostics import selectors
from diagnostics.capabilities import RUN_SCRIPTS
from diagnostics.models import Action, RunStatus
from diagnostics.services import DIAGNOSABLE_CASE_STATES
from hotline.capabilities import has_capability
from hotline.panels import Panel


def case_panel(request, case) -> Panel | None:
    """Applicable scripts with a Start button, or the run in progress, or the result."""
    if not has_capability(request.user, RUN_SCRIPTS):
        return None
    runs = list(selectors.case_runs(case=case)[:10])
    in_progress = next((run for run in runs if run.status == RunStatus.IN_PROGRESS), None)
    scripts = []
    if in_progress is None and case.status in DIAGNOSABLE_CASE_STATES:
        scripts = selectors.scripts_for_case(case=case)
    recommendation = selectors.case_recommendation(case=case)
    if not (runs or scripts or recommendation or case.status in DIAGNOSABLE_CASE_STATES):
        return None  # nothing was, nor may be, diagnosed by script here: no empty card
    return Panel("diagnostics/_case_panel.html", {
        "case": case, "runs": runs, "in_progress": in_progress, "scripts": scripts,
        "recommendation": recommendation,
        "recommended_action": Action(recommendation.action).label if recommendation else "",
        "can_start": case.status in DIAGNOSABLE_CASE_STATES,
    }, order=10)
