import datetime
import zoneinfo

from hotline.timeutils import local_day_bounds

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_day_runs_from_local_midnight_to_the_next(settings):
    settings.TIME_ZONE = "Europe/Paris"

    start, end = local_day_bounds(datetime.datetime(2026, 11, 23, 22, 30, tzinfo=datetime.UTC))

    assert start == datetime.datetime(2026, 11, 23, tzinfo=PARIS)
    assert end == datetime.datetime(2026, 11, 24, tzinfo=PARIS)


def test_the_day_the_clocks_go_back_lasts_25_hours(settings):
    settings.TIME_ZONE = "Europe/Paris"

    start, end = local_day_bounds(datetime.datetime(2026, 10, 25, 12, tzinfo=PARIS))

    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == (
        datetime.timedelta(hours=25))
