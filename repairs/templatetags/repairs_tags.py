from django import template
from django.utils.dates import WEEKDAYS_ABBR

register = template.Library()


@register.filter
def weekday_name(day: int) -> str:
    """0 -> Mon (translated)."""
    return str(WEEKDAYS_ABBR[int(day)])
