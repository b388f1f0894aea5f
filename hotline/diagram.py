"""The Case state machine as a Mermaid diagram, read from the model's transitions."""

from __future__ import annotations

from hotline.models import Case, CaseStatus

HEADER = """# The Case state machine

Generated from `hotline.models.Case` by `python manage.py case_diagram`; do not edit by hand
(a test checks this file matches the code). Transitions marked (supervisor) need the
permission named after them. See [case-workflow.md](case-workflow.md).

```mermaid
stateDiagram-v2
"""


def case_transitions() -> list[tuple[str, str, str, str]]:
    """Return (source, target, name, permission) for every transition of Case, sorted."""
    found = set()
    for transition in Case._meta.get_field("status").get_all_transitions(Case):
        permission = transition.permission if isinstance(transition.permission, str) else ""
        found.add((str(transition.source), str(transition.target), transition.name, permission))
    order = {value: index for index, value in enumerate(CaseStatus.values)}
    return sorted(found, key=lambda t: (order.get(t[0], 99), order.get(t[1], 99), t[2]))


def case_machine_markdown() -> str:
    lines = [HEADER.rstrip("\n"), f"    [*] --> {CaseStatus.OPEN.value}"]
    for source, target, name, permission in case_transitions():
        label = f"{name} (supervisor)" if permission else name
        lines.append(f"    {source} --> {target}: {label}")
    lines.append(f"    {CaseStatus.CLOSED.value} --> [*]")
    lines.append(f"    {CaseStatus.CANCELLED.value} --> [*]")
    lines.append("```")
    return "\n".join(lines) + "\n"
