"""`{% load hotline_dates %}`: dates with month or weekday names, in the reader's language.

Every template writes a month or a weekday name through these filters (Babel's CLDR
patterns), never through Django's `date` filter with "M", "D", "F", "l", "N", "b" or "E", whose
French abbreviations ("Nov", "Lun") are wrong: hotline/tests/test_dates.py reads every template
to keep it so. Numeric formats ("H:i", "Y-m-d", "SHORT_DATETIME_FORMAT") stay with `date`/`time`.

  day_month             "1 Dec"                   "1 déc."
  day_month_time        "1 Dec 12:00"             "1 déc. 12:00"
  day_month_year        "1 Dec 2026"              "1 déc. 2026"
  day_month_year_time   "1 Dec 2026 12:00"        "1 déc. 2026 12:00"
  weekday_day_month     "Tue 1 Dec"               "mar. 1 déc."
  weekday_day_month_time "Tue 1 Dec 12:00"        "mar. 1 déc. 12:00"
  weekday_day_month_year_time "Tue 1 Dec 2026 12:00" "mar. 1 déc. 2026 12:00"
  long_date             "1 December 2026"         "1 décembre 2026"
  long_date_time        "1 December 2026 12:00"   "1 décembre 2026 12:00"
  weekday_long          "Tuesday 1 December"      "mardi 1 décembre"
  weekday_long_time     "Tuesday 1 December, 12:00" "mardi 1 décembre, 12:00"
  full_date             "Tuesday 1 December 2026" "mardi 1 décembre 2026"
  full_date_time        "Tuesday 1 December 2026 12:00" "mardi 1 décembre 2026 12:00"
  week_of               "week of 1 Dec"           "semaine du 1 déc."

Each also takes an ISO date string (weeks stored in JSON evidence).
"""

from django import template

from hotline.dates import as_date, format_local, week_label

register = template.Library()

PATTERNS = {
    "day_month": "d MMM",
    "day_month_time": "d MMM HH:mm",
    "day_month_year": "d MMM y",
    "day_month_year_time": "d MMM y HH:mm",
    "weekday_day_month": "EEE d MMM",
    "weekday_day_month_time": "EEE d MMM HH:mm",
    "weekday_day_month_year_time": "EEE d MMM y HH:mm",
    "long_date": "d MMMM y",
    "long_date_time": "d MMMM y HH:mm",
    "weekday_long": "EEEE d MMMM",
    "weekday_long_time": "EEEE d MMMM, HH:mm",
    "full_date": "EEEE d MMMM y",
    "full_date_time": "EEEE d MMMM y HH:mm",
}


def _filter(name: str, pattern: str):
    def formatted(value) -> str:
        value = as_date(value)
        return format_local(value, pattern) if value else ""

    formatted.__name__ = name
    formatted.__doc__ = f"Format a date or moment as CLDR {pattern!r} in the reader's language."
    return formatted


for _name, _pattern in PATTERNS.items():
    register.filter(_name, _filter(_name, _pattern))

register.filter("week_of", week_label)

day_month = register.filters["day_month"]
day_month_time = register.filters["day_month_time"]
weekday_day_month = register.filters["weekday_day_month"]
