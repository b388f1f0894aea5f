import datetime

import pytest

from calls.metrics import sla_report
from calls.tests.factories import T0, at, make_call, make_session

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _total(**kwargs):
    kwargs.setdefault("start", T0)
    kwargs.setdefault("end", T0 + 24 * HOUR)
    return sla_report(group="total", **kwargs)["total"]


def test_a_call_answered_exactly_at_the_threshold_counts_as_within():
    make_call(wait=20)
    make_call(wait=20.5)

    total = _total(threshold=20)

    assert total["answered_within"] == 1
    assert total["service_level"] == 0.5


def test_an_abandon_exactly_at_the_short_abandon_threshold_is_short():
    make_call(abandoned=True, wait=5)
    make_call(abandoned=True, wait=6)

    total = _total(short_abandon=5)

    assert (total["abandoned"], total["short_abandoned"]) == (2, 1)


def test_the_two_service_levels_differ_by_the_abandons_after_the_short_threshold():
    make_call(wait=10)
    make_call(wait=30)
    make_call(abandoned=True, wait=3)
    make_call(abandoned=True, wait=40)

    total = _total()

    assert total["service_level"] == 0.5  # 1 within / 2 answered
    assert total["service_level_offered"] == round(1 / 3, 4)  # 1 / (2 answered + 1 abandon)


def test_short_abandons_are_left_out_of_the_abandonment_rate():
    make_call(wait=10)
    make_call(abandoned=True, wait=3)
    make_call(abandoned=True, wait=40)

    assert _total()["abandonment_rate"] == 0.5  # 1 counted abandon / (3 offered - 1 short)


def test_asa_average_and_longest_wait():
    make_call(wait=10)
    make_call(wait=20)
    make_call(wait=30)
    make_call(abandoned=True, wait=40)

    total = _total()

    assert (total["asa"], total["average_wait"], total["longest_wait"]) == (20, 25, 40)


def test_the_90th_percentile_wait_is_the_nearest_rank():
    for wait in range(1, 11):
        make_call(wait=wait)

    assert _total()["p90_wait"] == 9


def test_aht_adds_talk_hold_and_after_call_work():
    make_call(wait=5, talk=100, hold=20, wrapup=30)
    make_call(wait=5, talk=200, hold=0, wrapup=50)

    total = _total()

    assert total["aht"] == 200  # (150 + 250) / 2
    assert total["average_talk"] == 150


def test_the_transfer_rate_is_over_answered_calls():
    make_call(transferred=True)
    make_call()
    make_call(abandoned=True, wait=30)

    assert _total()["transfer_rate"] == 0.5


def test_a_repeat_call_from_the_same_number_within_7_days_is_not_first_contact_resolution():
    make_call(caller="+33612345678")
    make_call(caller="+33612345678", queued=6 * 24 * 3600)
    make_call(caller="+33698765432")

    total = _total(end=T0 + 30 * 24 * HOUR)

    assert total["resolved_first_contact"] == 2  # the repeated first call is not resolved


def test_a_repeat_after_7_days_does_not_count_against_the_first_call():
    make_call(caller="+33612345678")
    make_call(caller="+33612345678", queued=8 * 24 * 3600)

    assert _total(end=T0 + 30 * 24 * HOUR)["first_contact_resolution"] == 1.0


def test_a_repeat_about_the_same_handset_from_another_number_is_not_resolved():
    from calls.models import Call
    from hotline.tests.factories import HandsetFactory

    handset = HandsetFactory()
    first = make_call(caller="+33612345678")
    second = make_call(caller="+33698765432", queued=3600)
    Call.objects.filter(pk__in=[first.pk, second.pk]).update(handset=handset)

    assert _total()["resolved_first_contact"] == 1


def test_a_call_spanning_an_interval_boundary_counts_where_it_was_queued():
    make_call(queued=29 * 60 + 50, wait=20)  # queued 09:29:50, answered 09:30:10

    rows = sla_report(start=T0, end=T0 + HOUR, interval="30m")["rows"]

    assert [(row["key"], row["offered"]) for row in rows] == [
        ("2026-03-02T09:00:00+01:00", 1)]


def test_fifteen_minute_intervals_split_the_calls():
    make_call(queued=0)
    make_call(queued=14 * 60 + 59)
    make_call(queued=15 * 60)

    rows = sla_report(start=T0, end=T0 + HOUR, interval="15m")["rows"]

    assert [row["offered"] for row in rows] == [2, 1]


def test_day_week_and_month_intervals_are_local_calendar_periods():
    make_call(queued=0)
    make_call(queued=8 * 24 * 3600)

    weeks = sla_report(start=T0, end=T0 + 30 * 24 * HOUR, interval="week")["rows"]

    assert [row["key"] for row in weeks] == ["2026-03-02T00:00:00+01:00",
                                             "2026-03-09T00:00:00+01:00"]


def test_rows_per_operator():
    make_call(agent="Agent/1001")
    make_call(agent="Agent/1002")
    make_call(agent="Agent/1002")

    rows = sla_report(start=T0, end=T0 + HOUR, group="operator")["rows"]

    assert {row["key"]: row["answered"] for row in rows} == {"Agent/1001": 1, "Agent/1002": 2}


def test_a_queue_filter_counts_only_that_queue():
    make_call(queue="hotline")
    make_call(queue="vip")

    assert _total(queue="vip")["offered"] == 1


def test_occupancy_is_handle_time_over_logged_in_time():
    make_session("Agent/1001", 0, 3600)
    make_call(wait=0, talk=600, wrapup=300)  # 900 s of handling in the hour

    assert _total(end=T0 + HOUR)["occupancy"] == 0.25


def test_occupancy_is_unknown_without_logged_in_time():
    make_call()

    assert _total()["occupancy"] is None


def test_a_period_without_calls_has_no_rates():
    total = _total()

    assert (total["offered"], total["service_level"], total["asa"]) == (0, None, None)


def test_calls_queued_outside_the_period_are_not_counted():
    make_call(queued=-1)
    make_call(queued=3600)

    assert _total(end=at(3600))["offered"] == 0


def test_rows_per_queue():
    make_call(queue="hotline")
    make_call(queue="vip")
    make_call(queue="vip", abandoned=True, wait=30)

    rows = sla_report(start=T0, end=T0 + HOUR, group="queue")["rows"]

    assert {row["key"]: (row["offered"], row["answered"]) for row in rows} == {
        "hotline": (1, 1), "vip": (2, 1)}


def test_the_90th_percentile_of_thirty_waits_is_the_27th():
    for wait in range(1, 31):
        make_call(queued=wait, wait=wait)

    assert _total()["p90_wait"] == 27


def test_the_90th_percentile_is_per_interval():
    make_call(queued=0, wait=7)
    make_call(queued=1800, wait=3)
    make_call(queued=1801, wait=50)

    rows = sla_report(start=T0, end=T0 + HOUR, interval="30m")["rows"]

    assert [row["p90_wait"] for row in rows] == [7, 50]
