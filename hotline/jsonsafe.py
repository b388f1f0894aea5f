"""JSON from outside (API bodies, courier webhooks) parsed with a bound on nesting.

`json.loads` of 10,000 nested `[` raises RecursionError, which no caller expects; and a deep
but parseable document makes every later walk over it (validation, storage) recursive too.
Bodies deeper than MAX_DEPTH levels are refused as malformed (ValueError)."""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class JsonTooDeep(ValueError):
    pass


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """Return the parsed JSON, or raise ValueError (malformed, or nested too deep)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels") from None
    if depth(value) > max_depth:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels")
    return value


def depth(value) -> int:
    """Return how deeply lists and objects nest in a parsed JSON value (iteratively)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400) bodies nested deeper than MAX_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            return loads(text)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
