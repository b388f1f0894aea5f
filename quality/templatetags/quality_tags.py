
from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


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
    if percent:  # in the reader's language: 24.4 % / 24,4 %
        return f"{number_format(value * 100, 1)}\u00a0%"
    if isinstance(value, int) and not isinstance(value, bool):
        return intcomma(value)
    return value


