"""Read a script's decision tree (plain dicts, as stored on ScriptVersion.tree)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

QUESTION, INSTRUCTION, MEASUREMENT, OUTCOME = "question", "instruction", "measurement", "outcome"
KINDS = (QUESTION, INSTRUCTION, MEASUREMENT, OUTCOME)
HELPED, NOT_HELPED = "helped", "not_helped"


def nodes_by_id(tree: dict) -> dict[str, dict]:
    return {str(node.get("id")): node for node in tree.get("nodes") or [] if isinstance(node, dict)}


def number(value) -> Decimal | None:
    """Return `value` as a Decimal, None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def range_key(item: dict) -> str:
    """Name a measurement range, e.g. '0-80'; the answer recorded for a measured value."""
    return f"{number(item.get('from'))}-{number(item.get('to'))}"


def exits(node: dict) -> list[tuple[str, object]]:
    """Return (answer, target node id) for every way out of `node`."""
    kind = node.get("kind")
    if kind == QUESTION:
        return [(str(choice.get("id")), choice.get("next"))
                for choice in node.get("choices") or [] if isinstance(choice, dict)]
    if kind == INSTRUCTION:
        return [(HELPED, node.get("if_helped")), (NOT_HELPED, node.get("if_not_helped"))]
    if kind == MEASUREMENT:
        return [(range_key(item), item.get("next"))
                for item in node.get("ranges") or [] if isinstance(item, dict)]
    return []


def measurement_range(node: dict, value: Decimal) -> dict | None:
    """Return the range `value` falls in: [from, to), the last one closed at `to`."""
    ranges = node.get("ranges") or []
    for index, item in enumerate(ranges):
        low, high = number(item["from"]), number(item["to"])
        if low <= value < high or (index == len(ranges) - 1 and value == high):
            return item
    return None


def text(value, language: str) -> str:
    """Return the text of a {en, fr} mapping in `language` (English when missing)."""
    if isinstance(value, dict):
        return value.get(language[:2]) or value.get("en") or ""
    return value or ""


def all_paths(tree: dict) -> list[list[tuple[str, str, Decimal | None]]]:
    """Every path from the start to an outcome, as [(node id, answer, value)], outcome last.

    A measurement is answered with the middle of each of its ranges. The tree must pass the
    linter (no loops), or this would not end.
    """
    nodes = nodes_by_id(tree)
    paths: list[list[tuple[str, str, Decimal | None]]] = []

    def walk(node_id: str, path: list) -> None:
        node = nodes[node_id]
        if node["kind"] == OUTCOME:
            paths.append([*path, (node_id, "", None)])
            return
        if node["kind"] == MEASUREMENT:
            for item in node["ranges"]:
                value = (number(item["from"]) + number(item["to"])) / 2
                walk(item["next"], [*path, (node_id, range_key(item), value)])
            return
        for answer, target in exits(node):
            walk(target, [*path, (node_id, answer, None)])

    walk(tree["start"], [])
    return paths
