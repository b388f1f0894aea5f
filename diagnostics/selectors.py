"""Reads of the diagnostics app: scripts for a case, runs, results and QA figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diagnostics.models import Action, FaultCode, RunStatus, ScriptRun, ScriptStep, ScriptVersion
from diagnostics.scripts import tree as t


@dataclass(frozen=True)
class Recommendation:
    """What a completed diagnosis recommends for a case: the contract with the case workflow."""

    fault_code: FaultCode
    action: str  # diagnostics.models.Action
    advice: str = ""
    run_id: int | None = None


def case_recommendation(*, case) -> Recommendation | None:
    """Return the recommendation of the case's latest completed script run, if any."""
    run = (ScriptRun.objects.filter(case=case, status=RunStatus.COMPLETED)
           .select_related("fault_code", "version").order_by("-finished_at", "-id").first())
    if run is None:
        return None
    return Recommendation(fault_code=run.fault_code, action=run.action,
                          advice=run_outcome_text(run), run_id=run.pk)


def run_outcome_text(run: ScriptRun, language: str | None = None) -> str:
    """Return the advice text of the run's outcome node ('' while it has none)."""
    if run.status != RunStatus.COMPLETED:
        return ""
    return t.text(run.version.node(run.current_node)["text"], language or get_language() or "en")


def scripts_for_case(*, case) -> list[ScriptVersion]:
    """Current scripts applicable to the case's handset model, likeliest for its symptom first.

    Exact symptom first, then scripts that also cover it, then the rest by title.
    """
    handset_model = case.handset.model if case.handset_id else None
    versions = [version for version in ScriptVersion.objects.current().select_related("script")
                if version.applies_to(handset_model)]

    def rank(version: ScriptVersion):
        if version.symptom == case.symptom:
            score = 0
        elif case.symptom in version.also_for:
            score = 1
        else:
            score = 2
        return score, version.title.casefold()

    return sorted(versions, key=rank)


def case_runs(*, case):
    return (ScriptRun.objects.filter(case=case)
            .select_related("version__script", "fault_code", "operator").order_by("-started_at"))


def run_path(*, run: ScriptRun) -> list[ScriptStep]:
    """Return the live answers of the run, in path order."""
    return list(run.steps.filter(discarded=False).order_by("position"))


# -- figures for QA --------------------------------------------------------------------

def version_list():
    """Every script version with its run counts, newest versions first."""
    return (ScriptVersion.objects.select_related("script")
            .annotate(run_count=Count("runs"),
                      completed=Count("runs", filter=Q(runs__status=RunStatus.COMPLETED)),
                      abandoned=Count("runs", filter=Q(runs__status=RunStatus.ABANDONED)),
                      avg_seconds=Avg("runs__duration_seconds",
                                      filter=Q(runs__status=RunStatus.COMPLETED)))
            .order_by("script__slug", "-number"))


def percentile_seconds(runs, fraction: float) -> int | None:
    """Return the nearest-rank percentile of the runs' durations, computed in the database."""
    timed = runs.filter(duration_seconds__isnull=False)
    count = timed.count()
    if not count:
        return None
    index = max(0, math.ceil(fraction * count) - 1)
    return timed.order_by("duration_seconds").values_list("duration_seconds", flat=True)[index]


def version_stats(*, version: ScriptVersion) -> dict:
    """Runs, completion, duration, outcomes, and per node the answers taken and abandonments."""
    runs = ScriptRun.objects.filter(version=version)
    totals = runs.aggregate(
        runs=Count("id"),
        completed=Count("id", filter=Q(status=RunStatus.COMPLETED)),
        abandoned=Count("id", filter=Q(status=RunStatus.ABANDONED)),
        in_progress=Count("id", filter=Q(status=RunStatus.IN_PROGRESS)),
        avg_seconds=Avg("duration_seconds", filter=Q(status=RunStatus.COMPLETED)))
    finished = totals["completed"] + totals["abandoned"]
    completed_runs = runs.filter(status=RunStatus.COMPLETED)
    outcomes = list(completed_runs.values("current_node", "fault_code", "action")
                    .annotate(count=Count("id")).order_by("-count", "current_node"))
    answers = (ScriptStep.objects.filter(run__version=version)
               .values("node_id", "answer").annotate(
                   count=Count("id"), discarded=Count("id", filter=Q(discarded=True)),
                   avg_seconds=Avg("seconds")).order_by("node_id", "-count"))
    abandoned_at = dict(runs.filter(status=RunStatus.ABANDONED).values_list("current_node")
                        .annotate(count=Count("id")).order_by())
    nodes = []
    language = get_language() or "en"
    by_node: dict[str, list[dict]] = {}
    for row in answers:
        by_node.setdefault(row["node_id"], []).append(row)
    for node in version.tree["nodes"]:
        if node["kind"] == t.OUTCOME:
            continue
        rows = by_node.get(node["id"], [])
        total = sum(row["count"] for row in rows)
        labels = _answer_labels(node, language)
        nodes.append({
            "id": node["id"], "kind": node["kind"], "text": t.text(node["text"], language),
            "answered": total, "abandoned": abandoned_at.get(node["id"], 0),
            "answers": [{"answer": row["answer"], "label": labels.get(row["answer"],
                                                                       row["answer"]),
                         "count": row["count"], "discarded": row["discarded"],
                         "share": row["count"] / total if total else 0,
                         "avg_seconds": round(row["avg_seconds"] or 0)} for row in rows],
        })
    for row in outcomes:
        node = version.node(row["current_node"])
        row["text"] = t.text(node["text"], language)
        row["action_label"] = (str(Action(row["action"]).label)
                               if row["action"] in Action.values else row["action"])
        row["share"] = row["count"] / totals["completed"] if totals["completed"] else 0
    return {
        **totals,
        "completion_rate": totals["completed"] / finished if finished else None,
        "avg_seconds": round(totals["avg_seconds"]) if totals["avg_seconds"] is not None
        else None,
        "p90_seconds": percentile_seconds(completed_runs, 0.9),
        "outcomes": outcomes,
        "nodes": nodes,
    }


def _answer_labels(node: dict, language: str) -> dict[str, str]:
    if node["kind"] == t.QUESTION:
        return {choice["id"]: t.text(choice["label"], language) for choice in node["choices"]}
    if node["kind"] == t.INSTRUCTION:
        return {t.HELPED: _("it helped"), t.NOT_HELPED: _("it did not help")}
    unit = node.get("unit", "")
    return {t.range_key(item): f"{t.number(item['from'])}–{t.number(item['to'])} {unit}".strip()
            for item in node["ranges"]}
