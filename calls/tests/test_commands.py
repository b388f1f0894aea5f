import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from calls.forecast import forecast_day, forecast_of, plan_day
from calls.models import Call, CallEvent, Shift
from calls.tests.factories import T0, make_call

pytestmark = pytest.mark.django_db


def test_sla_report_prints_a_row_per_interval_and_the_total():
    make_call(queued=0)
    make_call(queued=3600)
    out = StringIO()

    call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-02",
                 "--interval", "1h", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[2].startswith("2026-03-02T09:00:00+01:00")
    assert lines[-1].startswith("total")


def test_sla_report_end_date_is_the_last_day_included():
    make_call(queued=0)
    make_call(queued=86400)  # the next day, 09:00
    out = StringIO()

    call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-03", "--json",
                 stdout=out)

    report = json.loads(out.getvalue())
    assert report["total"]["offered"] == 2
    assert report["end"] == "2026-03-04T00:00:00+01:00"


def test_sla_report_end_date_time_is_excluded():
    make_call(queued=0)
    make_call(queued=3600)  # 10:00, the end
    out = StringIO()

    call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-02T10:00", "--json",
                 stdout=out)

    assert json.loads(out.getvalue())["total"]["offered"] == 1


def test_sla_report_help_says_the_end_day_is_included():
    from calls.management.commands.sla_report import Command

    parser = Command().create_parser("manage.py", "sla_report")

    assert "the last day, included" in parser.format_help()


def test_sla_report_json_uses_snake_case_seconds_and_fractions():
    make_call(wait=12)
    out = StringIO()

    call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-03", "--json",
                 "--threshold", "10", stdout=out)

    total = json.loads(out.getvalue())["total"]
    assert (total["asa"], total["service_level"], total["threshold_seconds"]
            if "threshold_seconds" in total else None) == (12.0, 0.0, None)


def test_sla_report_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--start"):
        call_command("sla_report", "--start", "yesterday", "--end", "2026-03-03")


def test_sla_report_refuses_an_unknown_interval():
    with pytest.raises(CommandError, match="interval"):
        call_command("sla_report", "--start", "2026-03-02", "--end", "2026-03-03",
                     "--interval", "7m")


@time_machine.travel(datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_simulating_twice_with_the_same_seed_adds_nothing():
    call_command("simulate_calls", "--days", "2", "--seed", "7", "--calls-per-day", "60",
                 stdout=StringIO())
    before = (Call.objects.count(), CallEvent.objects.count())

    call_command("simulate_calls", "--days", "2", "--seed", "7", "--calls-per-day", "60",
                 stdout=StringIO())

    assert before[0] > 30
    assert (Call.objects.count(), CallEvent.objects.count()) == before


@time_machine.travel(datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_simulated_traffic_has_answers_abandons_and_no_event_in_the_future():
    from django.utils import timezone

    call_command("simulate_calls", "--days", "1", "--seed", "3", "--calls-per-day", "150",
                 stdout=StringIO())

    assert Call.objects.filter(answered_at__isnull=False).exists()
    assert not CallEvent.objects.filter(at__gt=timezone.now()).exists()
    assert not Call.objects.filter(queued_at__hour__lt=7).exists()  # closed at night


def test_the_forecast_averages_the_same_weekday_over_the_past_weeks():
    for week in (1, 2):
        for n in range(week * 2):  # 2 calls one week, 4 the other
            make_call(queued=-week * 7 * 86400 + n * 60)

    forecast = forecast_day(day=T0.date(), interval_seconds=1800, weeks=2)

    nine = [calls for start, calls, _aht in forecast if start.hour == 9 and start.minute == 0]
    assert nine == [3.0]


def test_one_week_of_history_forecasts_that_weeks_count_not_a_quarter_of_it():
    for n in range(12):  # 12 calls last Monday at 09:00, nothing the three Mondays before
        make_call(queued=-7 * 86400 + n * 60)

    forecast = forecast_of(day=T0.date(), interval_seconds=1800, weeks=4)

    nine = [calls for start, calls, _aht in forecast.intervals
            if start.hour == 9 and start.minute == 0]
    assert nine == [12.0]
    assert (forecast.days_with_data, forecast.weeks) == (1, 4)


def test_a_quiet_interval_on_a_day_with_calls_still_counts_as_zero():
    for n in range(4):  # two weeks ago: 4 calls at 09:00; last week: 2 calls at 11:00 only
        make_call(queued=-14 * 86400 + n * 60)
    for n in range(2):
        make_call(queued=-7 * 86400 + 2 * 3600 + n * 60)

    forecast = forecast_day(day=T0.date(), interval_seconds=1800, weeks=4)

    by_time = {start.strftime("%H:%M"): calls for start, calls, _aht in forecast}
    assert (by_time["09:00"], by_time["11:00"]) == (2.0, 1.0)


def test_a_day_without_history_forecasts_no_calls():
    forecast = forecast_of(day=T0.date(), interval_seconds=3600, weeks=4)

    assert forecast.days_with_data == 0
    assert {calls for _start, calls, _aht in forecast.intervals} == {0.0}


def _history(calls_per_interval: int, weeks: int = 4) -> None:
    """Answered calls at 09:00-09:30 on the same weekday of past weeks, AHT 180 s (bulk:
    the forecast only reads stored calls)."""
    rows = []
    for week in range(1, weeks + 1):
        for n in range(calls_per_interval):
            queued = T0 - datetime.timedelta(weeks=week) + datetime.timedelta(seconds=n * 18)
            rows.append(Call(
                telephony_id=f"h-{week}-{n}", queue="hotline", queued_at=queued,
                queued_epoch=int(queued.timestamp()),
                answered_at=queued + datetime.timedelta(seconds=5), wait_seconds=5,
                ended_at=queued + datetime.timedelta(seconds=175), talk_seconds=170,
                wrapup_seconds=10, outcome="answered"))
    Call.objects.bulk_create(rows)


def test_the_plan_compares_needed_and_rostered_operators(supervisor):
    _history(100)
    Shift.objects.create(operator=supervisor, starts_at=T0,
                         ends_at=T0 + datetime.timedelta(hours=1))

    plan = plan_day(day=T0.date(), interval_seconds=1800, shrinkage=0.3)

    nine = next(row for row in plan if row.start.hour == 9 and row.start.minute == 0)
    assert (nine.calls, nine.aht, nine.agents, nine.agents_with_shrinkage) == (100, 180, 14, 20)
    assert (nine.rostered, nine.gap) == (1, -19)


def test_staffing_plans_a_day_from_the_forecast():
    _history(100)
    out = StringIO()

    call_command("staffing", "--day", "2026-03-02", "--shrinkage", "0.3", "--json", stdout=out)

    nine = next(row for row in json.loads(out.getvalue()) if row["start"].endswith("09:00:00+01:00"))
    assert (nine["calls"], nine["agents"], nine["agents_with_shrinkage"]) == (100, 14, 20)


def test_staffing_without_calls_or_a_day_is_refused():
    with pytest.raises(CommandError, match="--calls"):
        call_command("staffing", "--aht", "180")
