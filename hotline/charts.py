"""Console charts: server-rendered SVG (pygal), one look everywhere, no JavaScript, no CDN.

A page builds a chart from plain lists and puts the returned markup in its template:
``{{ chart }}``. The SVG scales to its container's width and carries a <title> and a
<desc> for screen readers; the page should still show the figures in a table beside it.

    line_chart(title=_("Service level"), labels=["10:00", "10:30"],
               series=[Series(_("Service level"), [0.82, 0.91])],
               target=0.8, target_label=_("Target"), percent=True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygal
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

# The console's palette (console.css :root): brand, ok, warn, bad, then neutrals.
PALETTE = ("#0b5cad", "#1b7f3b", "#b26a00", "#b3261e", "#6b4fa1", "#2a8a8a", "#5b6576")
TARGET_COLOUR = "#b3261e"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)

STYLE = dict(
    background="transparent",
    plot_background="transparent",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#d9dee7",
    opacity=".85",
    opacity_hover="1",
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=10,
    tooltip_font_size=11,
    guide_stroke_color="#d9dee7",
    major_guide_stroke_color="#c3cad6",
    guide_stroke_dasharray="2,3",
    major_guide_stroke_dasharray="2,3",
)


def _style(colors: Sequence[str] = PALETTE) -> Style:
    return Style(**{**STYLE, "colors": tuple(colors)})


@dataclass(frozen=True)
class Series:
    """One named series of values (None leaves a gap)."""

    name: str
    values: Sequence[float | int | None]


def format_percent(value: float | None) -> str:
    """Format a 0..1 ratio as a whole percentage."""
    return "" if value is None else f"{value * 100:.0f} %"


def _config(*, title: str, labels: Sequence[str], height: int, formatter, max_labels: int,
            width: int = 900) -> dict:
    every = max(1, -(-len(labels) // max_labels))  # ceil: at most max_labels labels on the x axis
    return {
        "title": str(title),
        "style": _style(),
        "width": width,  # the drawing's own units: a narrower chart keeps its text larger
        "height": height,
        "js": [],  # pygal's default pulls its tooltip script from a CDN: the console works offline
        "disable_xml_declaration": True,
        "explicit_size": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "x_labels": [str(label) for label in labels],
        "x_labels_major_every": every,
        "show_minor_x_labels": every == 1,
        "x_label_rotation": 30 if len(labels) > max_labels else 0,
        "truncate_label": -1,
        "truncate_legend": -1,
        "value_formatter": formatter,
        "print_values": False,
        "margin": 8,
        "margin_bottom": 24,
        "margin_right": 36,  # room for the last x label, centred on the last point
    }


def _render(chart, *, title: str, series: Sequence[Series], formatter) -> SafeString:
    # pygal always inlines a config script for its (remote) tooltip code: the console runs none.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # A plain-text summary for screen readers: pygal's <title> names the chart only.
    summary = "; ".join(
        f"{s.name}: " + ", ".join(formatter(v) if v is not None else "-" for v in s.values) for s in series
    )
    svg = svg.replace("<defs>", f'<desc>{escape(summary)}</desc><defs>', 1)
    # pygal escapes labels and values itself; the summary is escaped above.
    return mark_safe(f'<figure class="chart" role="group" aria-label="{escape(title)}">{svg}</figure>')


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    target: float | None = None,
    target_label: str = "",
    percent: bool = False,
    y_min: float | None = None,
    y_max: float | None = None,
    height: int = 320,
    max_labels: int = 16,
    width: int = 900,
    y_labels: Sequence[float] | None = None,
) -> SafeString:
    """Return an SVG line chart, with an optional dashed horizontal target line (`y_labels`
    places the value axis's labels, e.g. whole numbers for a count of people)."""
    formatter: Callable = format_percent if percent else _number
    config = _config(title=title, labels=labels, height=height, formatter=formatter,
                     max_labels=max_labels, width=width)
    if y_labels is not None:
        config["y_labels"] = list(y_labels)
    if target is not None:  # the target line is always the alarm colour, after the series' own
        config["style"] = _style([*PALETTE[: len(series)], TARGET_COLOUR])
    chart = pygal.Line(
        **config,
        allow_interruptions=True,
        dots_size=2.5,
        range=_range(series, target, y_min, y_max),
    )
    for s in series:
        chart.add(str(s.name), list(s.values))
    if target is not None:
        chart.add(
            str(target_label),
            [target] * len(labels),
            show_dots=False,
            stroke_style={"width": 2, "dasharray": "6, 4"},
        )
    return _render(chart, title=title, series=series, formatter=formatter)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    horizontal: bool = False,
    percent: bool = False,
    height: int = 320,
    max_labels: int = 16,
    width: int = 900,
) -> SafeString:
    """Return an SVG bar chart (grouped, or stacked when stacked=True)."""
    formatter: Callable = format_percent if percent else _number
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    config = _config(title=title, labels=labels, height=height, formatter=formatter,
                     max_labels=max_labels, width=width)
    if horizontal:
        config.update(x_label_rotation=0, show_minor_x_labels=True, x_labels_major_every=1)
    chart = kind(**config)
    for s in series:
        chart.add(str(s.name), list(s.values))
    return _render(chart, title=title, series=series, formatter=formatter)


def _number(value: float | int | None) -> str:
    """A value in the reader's language (0,15 in French); values below 1 keep two decimals,
    so that an axis of small rates (0.05, 0.1, 0.15) does not read 0.1, 0.1, 0.2."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = number_format(value, 1 if abs(value) >= 1 else 2)
        separator = get_format("DECIMAL_SEPARATOR")
        return text.rstrip("0").rstrip(separator) if separator in text else text
    return f"{int(value)}"


def _range(series, target, y_min, y_max) -> tuple[float, float] | None:
    values = [v for s in series for v in s.values if v is not None]
    if target is not None:
        values.append(target)
    if not values and y_min is None and y_max is None:
        return None
    low = y_min if y_min is not None else min([0.0, *values])
    high = y_max if y_max is not None else max([1.0, *values])
    return (low, high)
