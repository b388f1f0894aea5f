"""Dates as the reader says them, in English and French."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from hotline.dates import format_local

MOMENT = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Paris


def test_english_writes_the_day_before_the_abbreviated_month():
    with translation.override("en"):
        assert format_local(MOMENT, "EEE d MMM HH:mm") == "Tue 1 Dec 12:00"


def test_french_abbreviations_are_lower_case_with_their_full_stop():
    with translation.override("fr"):
        assert format_local(MOMENT, "EEE d MMM HH:mm") == "mar. 1 déc. 12:00"


def test_the_template_filters_format_dates_and_moments():
    template = Template("{% load hotline_dates %}{{ moment|day_month_time }} / {{ day|day_month }}")

    with translation.override("fr"):
        text = template.render(Context({"moment": MOMENT, "day": datetime.date(2026, 12, 4)}))

    assert text == "1 déc. 12:00 / 4 déc."


def test_weekday_day_month_speaks_the_readers_language():
    import datetime

    from django.utils import translation

    from hotline.templatetags.hotline_dates import weekday_day_month

    day = datetime.date(2026, 11, 30)
    with translation.override("en"):
        assert weekday_day_month(day) == "Mon 30 Nov"
    with translation.override("fr"):
        assert weekday_day_month(day) == "lun. 30 nov."


# Django's date format characters that write a month or weekday name, or an English word
# ("a.m."): a template writes those through the hotline_dates filters instead.
NAMED = set("DlMFNbEPAa")
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
DATE_USE = re.compile(r"""\|\s*(?:date|time)(?::\s*(?P<quote>["'])(?P<format>.*?)(?P=quote))?"""
                      r"""|\{%\s*now\s+(?P<nq>["'])(?P<now>.*?)(?P=nq)""")


def _named_letters(fmt: str) -> set[str]:
    """The format characters of a Django date format that write names (escapes skipped)."""
    found, escaped = set(), False
    for char in fmt:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in NAMED:
            found.add(char)
    return found


def _resolved(fmt: str) -> str:
    """A named format ("SHORT_DATETIME_FORMAT") as both languages write it; others as they are."""
    if not re.fullmatch(r"[A-Z_]+_FORMAT", fmt):
        return fmt
    written = []
    for language in ("en", "fr"):
        with translation.override(language):
            written.append(formats.get_format(fmt))
    return " ".join(written)


def _template_files():
    root = Path(settings.BASE_DIR)
    for folder in root.glob("*/templates"):
        if ".venv" in folder.parts:
            continue
        yield from (path for path in folder.rglob("*") if path.suffix in (".html", ".txt"))


def test_no_template_writes_a_month_or_weekday_name_outside_the_date_filters():
    offending = []

    for path in _template_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for use in DATE_USE.finditer(line):
                fmt = use.group("format") if use.group("now") is None else use.group("now")
                bare_date = fmt is None and use.group(0).lstrip("|").strip().startswith("date")
                if bare_date or fmt in NAMED_FORMATS or (fmt and _named_letters(_resolved(fmt))):
                    offending.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: "
                                     f"{use.group(0)}")

    assert not offending, ("Month/weekday names through Django's date format (write them with "
                           "the hotline_dates filters):\n" + "\n".join(offending))


def test_the_check_sees_a_named_format_and_spares_numeric_ones():
    assert _named_letters('D j M H:i') == {"D", "M"}
    assert _named_letters(r'\D Y-m-d H:i') == set()
    assert _named_letters(_resolved("SHORT_DATETIME_FORMAT")) == set()
    assert DATE_USE.search('{{ x|date:"j F Y" }}').group("format") == "j F Y"
    assert DATE_USE.search('{{ x|date }}').group("format") is None
    assert DATE_USE.search('{% now "l j F" %}').group("now") == "l j F"


@pytest.mark.parametrize(("name", "english", "french"), [
    ("long_date", "1 December 2026", "1 décembre 2026"),
    ("full_date_time", "Tuesday 1 December 2026 12:00", "mardi 1 décembre 2026 12:00"),
    ("weekday_long_time", "Tuesday 1 December, 12:00", "mardi 1 décembre, 12:00"),
    ("weekday_day_month_time", "Tue 1 Dec 12:00", "mar. 1 déc. 12:00"),
    ("day_month_year_time", "1 Dec 2026 12:00", "1 déc. 2026 12:00"),
])
def test_each_named_filter_speaks_both_languages(name, english, french):
    template = Template("{% load hotline_dates %}{{ moment|" + name + " }}")

    with translation.override("en"):
        assert template.render(Context({"moment": MOMENT})) == english
    with translation.override("fr"):
        assert template.render(Context({"moment": MOMENT})) == french
