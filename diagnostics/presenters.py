"""Shape runs and script nodes for the console and the API, in the current language."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diagnostics.models import ScriptRun, ScriptStep, ScriptVersion
from diagnostics.scripts import tree as t


def _language() -> str:
    return (get_language() or "en")[:2]


def node_view(version: ScriptVersion, node_id: str) -> dict:
    """The node as shown to an operator: text, help, and the ways to answer it."""
    node, language = version.node(node_id), _language()
    view = {"id": node_id, "kind": node["kind"], "text": t.text(node["text"], language),
            "help": t.text(node.get("help"), language)}
    if node["kind"] == t.QUESTION:
        view["choices"] = [{"id": choice["id"], "label": t.text(choice["label"], language)}
                           for choice in node["choices"]]
    elif node["kind"] == t.INSTRUCTION:
        view["choices"] = [{"id": t.HELPED, "label": _("It helped")},
                           {"id": t.NOT_HELPED, "label": _("It did not help")}]
    elif node["kind"] == t.MEASUREMENT:
        view.update(unit=node.get("unit", ""), min=t.number(node["min"]),
                    max=t.number(node["max"]))
    else:
        view.update(action=node["action"], fault_code=node["fault_code"])
    return view


def answer_label(version: ScriptVersion, step: ScriptStep) -> str:
    node = version.node(step.node_id)
    if node["kind"] == t.MEASUREMENT:
        return f"{step.value.normalize():f} {node.get('unit', '')}".strip()
    for choice in node_view(version, step.node_id).get("choices", []):
        if choice["id"] == step.answer:
            return choice["label"]
    return step.answer


def run_view(run: ScriptRun) -> dict:
    """Everything the run console shows: the path so far, the current step, the result."""
    version = run.version
    steps = list(run.steps.order_by("seq"))
    path = [{"position": step.position, "number": step.position + 1,
             "question": node_view(version, step.node_id)["text"],
             "answer": answer_label(version, step), "seconds": step.seconds,
             "node_id": step.node_id, "answer_id": step.answer,
             "value": step.value}
            for step in sorted((s for s in steps if not s.discarded), key=lambda s: s.position)]
    return {
        "run": run,
        "version": version,
        "path": path,
        "discarded": len([step for step in steps if step.discarded]),
        "current": node_view(version, run.current_node),
        "step": run.position,
        "step_number": run.position + 1,
    }
