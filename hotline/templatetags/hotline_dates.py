"""`{% load hotline_dates %}`: `{{ moment|day_month }}` ("1 Dec" / "1 déc.") and
`{{ moment|day_month_time }}` ("1 Dec 12:00" / "1 déc. 12:00"), in the reader's language."""

from django import template

from hotline.dates import format_local

register = template.Library()


@register.filter
def day_month(value) -> str:
    return format_local(value, "d MMM") if value else ""


@register.filter
def day_month_time(value) -> str:
    return format_local(value, "d MMM HH:mm") if value else ""


@register.filter
def weekday_day_month(value) -> str:
    """"Mon 30 Nov" / "lun. 30 nov."."""
    return format_local(value, "EEE d MMM") if value else ""
