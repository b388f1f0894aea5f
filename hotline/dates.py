"""Dates as the reader says them, in the console's language (CLDR patterns through Babel):
"Mon 23 Nov 10:00" in English, "lun. 23 nov. 10:00" in French, where Django's "M" would
write "Nov"/"Nov" (its French abbreviations are title-cased, without their full stop)."""

from __future__ import annotations

import datetime

from babel.dates import format_date, format_datetime
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# Babel's locale for each console language: British English writes the day before the month.
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def babel_locale() -> str:
    """Return the Babel locale of the active language."""
    language = (translation.get_language() or "en").split("-")[0]
    return LOCALES.get(language, translation.to_locale(language))


def format_local(value: datetime.date | datetime.datetime, pattern: str) -> str:
    """Format a date, or an aware date-time in the site's time zone, with a CLDR pattern."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_datetime(value, pattern, locale=babel_locale())
    return format_date(value, pattern, locale=babel_locale())


def as_date(value) -> datetime.date | datetime.datetime | None:
    """A date, a date-time, or an ISO date string (as JSON evidence stores weeks) as a date."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value or None


def week_label(value) -> str:
    """The week starting on `value` (a date or an ISO date): "week of 26 Oct", "semaine du 26
    oct." (CSV exports and the API keep ISO dates)."""
    day = as_date(value)
    if day is None:
        return str(value or "")
    return _("week of %(day)s") % {"day": format_local(day, "d MMM")}
