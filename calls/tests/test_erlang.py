import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from calls.erlang import StaffingError, erlang_b, erlang_c, predict, staffing_required

PUBLISHED = {"calls": 100, "interval_seconds": 1800, "aht": 180, "target": 0.8,
             "answer_within": 20}


def test_erlang_b_matches_the_published_table():
    assert erlang_b(10, 5.0) == pytest.approx(0.01838, abs=1e-5)


def test_erlang_c_for_ten_erlangs_on_fourteen_agents():
    assert erlang_c(14, 10.0) == pytest.approx(0.1741, abs=1e-4)


def test_the_published_example_needs_fourteen_operators():
    result = staffing_required(**PUBLISHED)

    assert result.agents == 14
    assert result.prediction.service_level == pytest.approx(0.888, abs=1e-3)
    assert result.prediction.asa == pytest.approx(7.8, abs=0.1)
    assert result.prediction.occupancy == pytest.approx(0.714, abs=1e-3)


def test_the_published_example_with_thirty_percent_shrinkage_needs_twenty():
    assert staffing_required(**PUBLISHED, shrinkage=0.3).agents_with_shrinkage == 20


def test_thirteen_operators_miss_the_published_target():
    level = predict(agents=13, calls=100, interval_seconds=1800, aht=180,
                    answer_within=20).service_level

    assert level == pytest.approx(0.796, abs=1e-3)


def test_five_hundred_erlangs_are_computed_without_overflow():
    result = staffing_required(calls=5000, interval_seconds=1800, aht=180, target=0.8,
                               answer_within=20)

    assert result.prediction.traffic_erlangs == 500
    assert 500 < result.agents < 530
    assert 0.8 <= result.prediction.service_level < 0.9


def test_a_maximum_occupancy_adds_operators():
    result = staffing_required(**PUBLISHED, max_occupancy=0.6)

    assert result.agents == 17  # 10 / 17 = 0.588
    assert result.prediction.occupancy <= 0.6


def test_too_few_operators_never_answer_within_the_threshold():
    prediction = predict(agents=10, calls=100, interval_seconds=1800, aht=180, answer_within=20)

    assert (prediction.probability_wait, prediction.service_level, prediction.asa) == (
        1.0, 0.0, None)


def test_a_target_of_one_hundred_percent_is_refused():
    with pytest.raises(StaffingError):
        staffing_required(**{**PUBLISHED, "target": 1.0})


def test_the_command_prints_the_published_answer_as_json():
    out = StringIO()

    call_command("staffing", "--calls", "100", "--interval", "1800", "--aht", "180",
                 "--target", "0.8", "--answer-within", "20", "--shrinkage", "0.3", "--json",
                 stdout=out)

    result = json.loads(out.getvalue())
    assert (result["agents"], result["agents_with_shrinkage"]) == (14, 20)


def test_the_command_predicts_for_a_given_staffing():
    out = StringIO()

    call_command("staffing", "--calls", "100", "--aht", "180", "--agents", "15", "--json",
                 stdout=out)

    level = json.loads(out.getvalue())["service_level"]
    assert level == pytest.approx(0.941, abs=1e-3)  # the published table: 94.1 %


def test_the_command_refuses_bad_shrinkage_with_the_reason():
    with pytest.raises(CommandError, match="shrinkage"):
        call_command("staffing", "--calls", "100", "--aht", "180", "--shrinkage", "1.2")
