"""English as the console writes it (British order, 24-hour clock, as the Babel-formatted
dates of hotline.dates): "30/11/2026 10:00" rather than Django's American "11/30/2026 10 a.m."."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
