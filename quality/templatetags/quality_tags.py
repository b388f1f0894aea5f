import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

from hotline.dates import format_local, week_label

register = template.Library()

# Columns holding the first day of a week (a date, or an ISO date in JSON-shaped rows).
WEEK_COLUMNS = {"week", "first_week"}


@register.filter
def get_item(row: dict, key: str):
    """Return row[key] (the QA tables are lists of dicts)."""
    return row.get(key)


@register.filter
def cell(row: dict, spec):
    """Return the display value of a column: `spec` is "key" or "key%" for a share."""
    key, percent = (spec[:-1], True) if spec.endswith("%") else (spec, False)
    value = row.get(key)
    if value is None:
        return "—"
    if key in WEEK_COLUMNS:  # "week of 26 Oct" / "semaine du 26 oct." (CSV keeps ISO)
        return week_label(value)
    if isinstance(value, datetime.date):  # "26 Oct 2026" / "26 oct. 2026"
        return format_local(value, "d MMM y")
    if percent:  # in the reader's language: 24.4 % / 24,4 %
        return f"{number_format(value * 100, 1)}\u00a0%"
    if isinstance(value, int) and not isinstance(value, bool):
        return intcomma(value)
    return value


