"""Dates as the reader says them, in English and French."""

import datetime

from django.template import Context, Template
from django.utils import translation

from hotline.dates import format_local

MOMENT = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Paris


def test_english_writes_the_day_before_the_abbreviated_month():
    with translation.override("en"):
        assert format_local(MOMENT, "EEE d MMM HH:mm") == "Tue 1 Dec 12:00"


def test_french_abbreviations_are_lower_case_with_their_full_stop():
    with translation.override("fr"):
        assert format_local(MOMENT, "EEE d MMM HH:mm") == "mar. 1 déc. 12:00"


def test_the_template_filters_format_dates_and_moments():
    template = Template("{% load hotline_dates %}{{ moment|day_month_time }} / {{ day|day_month }}")

    with translation.override("fr"):
        text = template.render(Context({"moment": MOMENT, "day": datetime.date(2026, 12, 4)}))

    assert text == "1 déc. 12:00 / 4 déc."


def test_weekday_day_month_speaks_the_readers_language():
    import datetime

    from django.utils import translation

    from hotline.templatetags.hotline_dates import weekday_day_month

    day = datetime.date(2026, 11, 30)
    with translation.override("en"):
        assert weekday_day_month(day) == "Mon 30 Nov"
    with translation.override("fr"):
        assert weekday_day_month(day) == "lun. 30 nov."
