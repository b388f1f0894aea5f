"""The script linter: refuse a broken script with messages naming file, line and node."""

from __future__ import annotations

import re
from dataclasses import dataclass

from diagnostics.scripts import tree as t
from diagnostics.scripts.loader import YamlSyntaxError, line_of, parse

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SCRIPT_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
LANGUAGES = {"en": "English", "fr": "French"}
ACTIONS = ("advice", "swap", "visit", "referral")


@dataclass(frozen=True)
class LintMessage:
    file: str
    line: int
    node: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: node '{self.node}': {self.message}" if self.node else (
            f"{where}: {self.message}")


class ScriptLintError(ValueError):
    """The script does not pass the linter; `messages` say where and why."""

    def __init__(self, messages: list[LintMessage]):
        super().__init__("\n".join(str(message) for message in messages))
        self.messages = messages


@dataclass
class Linted:
    data: dict
    messages: list[LintMessage]

    @property
    def ok(self) -> bool:
        return not self.messages


def lint_text(text: str, *, filename: str, fault_codes: set[str], symptoms: set[str]) -> Linted:
    """Parse and check one script; return the data (with lines) and every problem found."""
    try:
        data = parse(text)
    except YamlSyntaxError as exc:
        return Linted({}, [LintMessage(filename, exc.line, None, str(exc))])
    checker = _Checker(filename, fault_codes, symptoms)
    checker.check(data)
    messages = sorted(checker.messages, key=lambda m: (m.line, m.node or "", m.message))
    return Linted(data if isinstance(data, dict) else {}, messages)


class _Checker:
    def __init__(self, filename: str, fault_codes: set[str], symptoms: set[str]):
        self.filename, self.fault_codes, self.symptoms = filename, fault_codes, symptoms
        self.messages: list[LintMessage] = []

    def error(self, obj, message: str, *, node: str | None = None, key: str | None = None):
        self.messages.append(LintMessage(self.filename, line_of(obj, key), node, message))

    # -- the document --------------------------------------------------------------------
    def check(self, data) -> None:
        if not isinstance(data, dict):
            self.error(data, "a script is a mapping with id, symptom, title, start and nodes")
            return
        for key in ("id", "symptom", "title", "start", "nodes"):
            if key not in data:
                self.error(data, f"missing '{key}'")
        script_id = data.get("id")
        if "id" in data and not (isinstance(script_id, str) and SCRIPT_ID_PATTERN.match(script_id)):
            self.error(data, "the script id must be lower-case letters, digits and dashes",
                       key="id")
        for key in ("symptom",):
            if key in data and data[key] not in self.symptoms:
                self.error(data, f"unknown symptom {data[key]!r} (known: "
                                 f"{', '.join(sorted(self.symptoms))})", key=key)
        for symptom in data.get("also_for") or []:
            if symptom not in self.symptoms:
                self.error(data, f"unknown symptom {symptom!r} in also_for", key="also_for")
        models = data.get("models", "all")
        if models != "all" and not (isinstance(models, list) and models
                                    and all(isinstance(m, str) for m in models)):
            self.error(data, "models must be 'all' or a list of model names", key="models")
        if "title" in data:
            self.translated(data, "title", None)
        nodes = data.get("nodes")
        if "nodes" in data and not (isinstance(nodes, list) and nodes):
            self.error(data, "nodes must be a non-empty list", key="nodes")
            return
        if not isinstance(nodes, list):
            return
        by_id = self.check_ids(nodes)
        for node in nodes:
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                self.check_node(node, by_id)
        start = data.get("start")
        if "start" in data and start not in by_id:
            self.error(data, f"the start node {start!r} does not exist", key="start")
            return
        if start in by_id:
            self.check_graph(start, by_id)

    def translated(self, obj, key: str, node: str | None, *, what: str | None = None) -> None:
        value = obj.get(key)
        what = what or key
        if not isinstance(value, dict):
            self.error(obj, f"{what} must have an English and a French text (en:, fr:)",
                       node=node, key=key)
            return
        for code, language in LANGUAGES.items():
            found = value.get(code)
            if not (isinstance(found, str) and found.strip()):
                self.error(value, f"missing {language} translation of {what}", node=node)

    def check_ids(self, nodes: list) -> dict[str, dict]:
        by_id: dict[str, dict] = {}
        for node in nodes:
            if not isinstance(node, dict):
                self.error(nodes, "every node is a mapping with an id and a kind")
                continue
            node_id = node.get("id")
            if not (isinstance(node_id, str) and ID_PATTERN.match(node_id)):
                self.error(node, f"node id {node_id!r} must be lower-case letters, digits and "
                                 "underscores, starting with a letter")
                continue
            if node_id in by_id:
                self.error(node, f"duplicate node id (first defined on line "
                                 f"{line_of(by_id[node_id])})", node=node_id)
                continue
            by_id[node_id] = node
        return by_id

    # -- one node ------------------------------------------------------------------------
    def check_node(self, node: dict, by_id: dict) -> None:
        node_id, kind = node["id"], node.get("kind")
        if kind not in t.KINDS:
            self.error(node, f"unknown kind {kind!r} (one of {', '.join(t.KINDS)})", node=node_id)
            return
        self.translated(node, "text", node_id)
        if "help" in node:
            self.translated(node, "help", node_id)
        getattr(self, f"check_{kind}")(node, node_id)
        where = node.get("choices") if kind == t.QUESTION else node.get("ranges")
        where = where if isinstance(where, list) else []
        for index, (answer, target) in enumerate(t.exits(node)):
            obj = where[index] if index < len(where) else node
            if target is None:
                self.error(obj, f"answer {answer!r} leads nowhere (no next)", node=node_id)
            elif target not in by_id:
                self.error(obj, f"answer {answer!r} leads to missing node {target!r}",
                           node=node_id)

    def check_question(self, node: dict, node_id: str) -> None:
        choices = node.get("choices")
        if not (isinstance(choices, list) and len(choices) >= 2):
            self.error(node, "a question needs at least two choices", node=node_id, key="choices")
            return
        seen = set()
        for choice in choices:
            if not isinstance(choice, dict):
                self.error(choices, "a choice is a mapping with id, label and next", node=node_id)
                continue
            choice_id = choice.get("id")
            if not (isinstance(choice_id, str) and ID_PATTERN.match(choice_id)):
                self.error(choice, f"choice id {choice_id!r} must be lower-case letters, digits "
                                   "and underscores (quote yes/no)", node=node_id)
            elif choice_id in seen:
                self.error(choice, f"duplicate choice {choice_id!r}", node=node_id)
            seen.add(choice_id)
            self.translated(choice, "label", node_id, what=f"the label of choice {choice_id!r}")

    def check_instruction(self, node: dict, node_id: str) -> None:
        for key in ("if_helped", "if_not_helped"):
            if key not in node:
                self.error(node, f"an instruction needs {key}", node=node_id)

    def check_measurement(self, node: dict, node_id: str) -> None:
        if "unit" in node and not isinstance(node["unit"], str):
            self.error(node, "unit must be text", node=node_id, key="unit")
        low, high = t.number(node.get("min")), t.number(node.get("max"))
        if low is None or high is None or low >= high:
            self.error(node, "a measurement needs numeric bounds min < max", node=node_id)
            return
        ranges = node.get("ranges")
        if not (isinstance(ranges, list) and ranges):
            self.error(node, "a measurement needs ranges", node=node_id, key="ranges")
            return
        bounds = []
        for item in ranges:
            start, end = (t.number(item.get("from")), t.number(item.get("to"))) if isinstance(
                item, dict) else (None, None)
            if start is None or end is None or start >= end:
                self.error(item, "a range needs numbers from < to", node=node_id)
                return
            bounds.append((start, end, item))
        bounds.sort(key=lambda entry: entry[0])
        if bounds[0][0] > low:
            self.error(bounds[0][2], f"gap in ranges: {low} to {bounds[0][0]} is not covered",
                       node=node_id)
        if bounds[0][0] < low:
            self.error(bounds[0][2], f"range starts at {bounds[0][0]}, below min {low}",
                       node=node_id)
        for (_s1, end, first), (start, _e2, second) in zip(bounds, bounds[1:], strict=False):
            if start > end:
                self.error(second, f"gap in ranges: {end} to {start} is not covered",
                           node=node_id)
            elif start < end:
                self.error(second, f"overlapping ranges: {start} to {end} is in two ranges "
                                   f"(lines {line_of(first)} and {line_of(second)})", node=node_id)
        if bounds[-1][1] < high:
            self.error(bounds[-1][2], f"gap in ranges: {bounds[-1][1]} to {high} is not covered",
                       node=node_id)
        if bounds[-1][1] > high:
            self.error(bounds[-1][2], f"range ends at {bounds[-1][1]}, above max {high}",
                       node=node_id)

    def check_outcome(self, node: dict, node_id: str) -> None:
        if node.get("action") not in ACTIONS:
            self.error(node, f"an outcome needs an action: one of {', '.join(ACTIONS)}",
                       node=node_id, key="action")
        code = node.get("fault_code")
        if code is None:
            self.error(node, "an outcome needs a fault_code", node=node_id)
        elif code not in self.fault_codes:
            self.error(node, f"unknown fault code {code!r}", node=node_id, key="fault_code")

    # -- the graph -----------------------------------------------------------------------
    def check_graph(self, start: str, by_id: dict) -> None:
        state: dict[str, str] = {}  # id -> "open" while on the current path, "done" after
        reported_loops: set[frozenset] = set()

        def visit(node_id: str, path: list[str]) -> None:
            state[node_id] = "open"
            node = by_id[node_id]
            targets = [target for _answer, target in t.exits(node) if target in by_id]
            if node.get("kind") in t.KINDS and node["kind"] != t.OUTCOME and not targets:
                self.error(node, "a path ends here without reaching an outcome", node=node_id)
            for target in dict.fromkeys(targets):
                if state.get(target) == "open":
                    here = [*path, node_id]
                    loop = [*here[here.index(target):], target]
                    if frozenset(loop) not in reported_loops:
                        reported_loops.add(frozenset(loop))
                        self.error(node, f"a path can loop: {' -> '.join(loop)}", node=node_id)
                elif target not in state:
                    visit(target, [*path, node_id])
            state[node_id] = "done"

        visit(start, [])
        for node_id, node in by_id.items():
            if node_id not in state:
                self.error(node, "unreachable node: no path from the start leads here",
                           node=node_id)

