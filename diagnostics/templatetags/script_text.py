"""`{% load script_text %}{{ node.text|script_text }}`: a script's sentence with what it quotes
from the handset's screen (« Wipe cache partition », “Reboot system now”) marked as such: shown
as written on the screen, in whatever language the handset uses, and never translated."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

QUOTED = re.compile(r"(«\s*)(.+?)(\s*»)|(“)(.+?)(”)")


@register.filter
def script_text(text) -> str:
    """Escape `text` and mark its quoted screen labels `translate="no"`."""
    text = str(text or "")
    parts, at = [], 0
    for match in QUOTED.finditer(text):
        opening, label, closing = (match.group(1, 2, 3) if match.group(2) is not None
                                   else match.group(4, 5, 6))
        parts.append(escape(text[at:match.start()]))
        parts.append(format_html('{}<span class="screen-label" translate="no">{}</span>{}',
                                 opening, label, closing))
        at = match.end()
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # every part escaped above
