import re

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

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


METHOD_LABEL = re.compile(r"^poisson-cusum k=(?P<k>[\d.]+) h=(?P<h>[\d.]+) baseline=(?P<base>\d+)w "
                          r"window=(?P<window>\d+)w min=(?P<min>\d+)$")


@register.filter
def method_text(label: str) -> str:
    """An alert's method label (kept as written, for the API and the JSON) in words."""
    found = METHOD_LABEL.match(label or "")
    if found is None:
        return label
    return _("Poisson CUSUM: a rate %(k)s times the baseline, threshold %(h)s, baseline of "
             "%(base)s weeks, window of %(window)s weeks, at least %(min)s failures") % {
        "k": found["k"].replace(".", get_format("DECIMAL_SEPARATOR")),
        "h": found["h"].replace(".", get_format("DECIMAL_SEPARATOR")),
        "base": found["base"], "window": found["window"], "min": found["min"]}
