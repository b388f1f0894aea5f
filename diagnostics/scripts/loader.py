"""Parse script YAML keeping the line of every mapping, so that messages can name it."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping read from YAML that remembers the (1-based) line it starts on."""

    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            key_node.value: key_node.start_mark.line + 1
            for key_node, _value in node.value if isinstance(key_node, yaml.ScalarNode)
        }
        return mapping

    def construct_sequence(self, node, deep=False):
        sequence = LineList(super().construct_sequence(node, deep=True))
        sequence.line = node.start_mark.line + 1
        return sequence


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def parse(text: str):
    """Return the document with LineDict/LineList containers; raise YamlSyntaxError."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlSyntaxError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", 0) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise YamlSyntaxError("invalid YAML: nested too deeply", 0) from None


def line_of(obj, key: str | None = None) -> int:
    """Return the line of `obj` (or of its `key`), 0 when unknown."""
    if key is not None and isinstance(obj, LineDict) and key in obj.key_lines:
        return obj.key_lines[key]
    return getattr(obj, "line", 0)


def plain(obj):
    """Return `obj` as plain dicts and lists (for JSON storage)."""
    if isinstance(obj, dict):
        return {str(key): plain(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [plain(value) for value in obj]
    return obj
