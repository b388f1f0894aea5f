"""Server-rendered inline SVG charts: no JavaScript, readable without styles."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 18, 6, 260, 300


def bar_chart(rows: list[tuple[str, int]], *, title: str = "") -> SafeString:
    """Return a horizontal bar chart of (label, count) as an <svg> element."""
    if not rows:
        return mark_safe("")
    top = max(count for _label, count in rows) or 1
    height = len(rows) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + BAR_WIDTH + 60
    bars = format_html_join("", (
        '<g><text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5cad"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text></g>'), (
        (LABEL_WIDTH - 6, index * (BAR_HEIGHT + GAP) + 13, _short(label),
         LABEL_WIDTH, index * (BAR_HEIGHT + GAP), max(1, round(BAR_WIDTH * count / top)),
         BAR_HEIGHT, label, count,
         LABEL_WIDTH + max(1, round(BAR_WIDTH * count / top)) + 6,
         index * (BAR_HEIGHT + GAP) + 13, count)
        for index, (label, count) in enumerate(rows)))
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        title or ", ".join(f"{label}: {count}" for label, count in rows), width, height, width,
        height, bars)


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
