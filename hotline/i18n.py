"""Sentences stored in English, shown in the reader's language.

Some sentences are written once and read later by people of other languages: a decision's
reasons and warranty line, a promise's "why", a courier's tracking text. They are stored as
the English text they were built from (a msgid of the catalogues, its `%(name)s` filled in).
`stored_text` finds the msgid the sentence was built from (a plain msgid, or one whose
placeholders match), and returns its translation with the same values, each value translated
too when it is a msgid itself ("swap" -> "échange") or a text of an app's reference data that
the app translates (a fault code's English description: the apps' `stored_values`, dotted paths
of `(text) -> str | None` callables named by their AppConfig). A sentence no msgid explains
(free text, a real courier's own words) is returned as it is.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext, trans_real

from hotline.dates import format_local

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


@cache
def _patterns(language: str) -> list[tuple[re.Pattern, str]]:
    """The catalogue's msgids with placeholders, as patterns, most specific first."""
    catalog = trans_real.translation(language)._catalog
    found = []
    for msgid in catalog.keys():
        if not isinstance(msgid, str) or "%(" not in msgid:
            continue
        parts, at, names = [], 0, set()
        for match in _PLACEHOLDER.finditer(msgid):
            name = match.group(1)
            parts.append(re.escape(msgid[at:match.start()]))
            if name in names:
                parts.append(f"(?P={name})")
            else:
                parts.append(rf"(?P<{name}>-?\d+)" if match.group(2) == "d" else rf"(?P<{name}>.+?)")
                names.add(name)
            at = match.end()
        parts.append(re.escape(msgid[at:]))
        literal = len(_PLACEHOLDER.sub("", msgid))
        found.append((literal, re.compile("".join(parts) + r"\Z", re.S), msgid))
    found.sort(key=lambda item: -item[0])
    return [(pattern, msgid) for _literal, pattern, msgid in found]


def stored_text(text) -> str:
    """Return `text`, a sentence stored in English, in the active language; the ISO dates it
    holds ("The warranty ended on 2025-12-01.") as the reader writes dates."""
    return _readable_dates(_stored_text(str(text or "")))


_ISO_DATE = re.compile(r"(?<![\w-])(\d{4}-\d{2}-\d{2})(?![\w-])")


def _readable_dates(text: str) -> str:
    if "-" not in text:
        return text

    def readable(match: re.Match) -> str:
        try:
            day = datetime.date.fromisoformat(match.group(1))
        except ValueError:
            return match.group(1)
        return format_local(day, "d MMMM y")

    return _ISO_DATE.sub(readable, text)


def _stored_text(text: str) -> str:
    language = get_language() or "en"
    if not text:
        return text
    if language.startswith("en"):  # stored in English: only an app's code needs its name
        return _named_code(text) or text
    plain = gettext(text)
    if plain != text:
        return plain
    for pattern, msgid in _patterns(language):
        match = pattern.match(text)
        if match is None:
            continue
        values = {name: _value(value) for name, value in match.groupdict().items()}
        try:
            return gettext(msgid) % values
        except (KeyError, TypeError, ValueError):
            return text
    return _named_code(text) or text


def _named_code(text: str) -> str | None:
    """One word that an app names (a courier's code, "sandbox"), in the active language."""
    if text.split() != [text]:
        return None
    for translator in _value_translators():
        found = translator(text)
        if found:
            return found
    return None


def _value(value: str):
    if value.lstrip("-").isdigit():
        return int(value)
    if not value:
        return value
    translated = gettext(value)
    if translated != value:
        return translated
    for translator in _value_translators():
        found = translator(value)
        if found:
            return found
    return value


@cache
def _value_translators() -> list:
    """The apps' `stored_values` callables: an English text of their data, in the active
    language (or None when it is not theirs)."""
    found: list[str] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "stored_values", ()))
    return [import_string(path) for path in dict.fromkeys(found)]
