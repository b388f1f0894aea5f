"""The early-warning statistics, against values computed by hand, and its measured error rates."""

import math
import random

import pytest

from quality.method import Params, detect, detect_window

P = Params(baseline_weeks=4, window_weeks=3, shift=2.0, threshold=2.0, min_count=3)


def test_the_cusum_matches_a_hand_computation():
    # baseline: 4 weeks, 2 failures each on 100 units -> rate (8 + 0.5) / 400 = 0.02125
    counts, exposure = [2, 2, 2, 2, 1, 4, 5], [100] * 7

    signal = detect(counts, exposure, P)

    mu = 0.02125 * 100  # 2.125 expected each week
    s1 = max(0.0, 1 * math.log(2) - mu)  # 0.0
    s2 = max(0.0, s1 + 4 * math.log(2) - mu)  # 0.6476
    s3 = max(0.0, s2 + 5 * math.log(2) - mu)  # 1.9883: below 2
    assert signal is None
    assert (s1, round(s2, 4), round(s3, 4)) == (0.0, 0.6476, 1.9883)


def test_a_series_signals_when_the_cusum_reaches_the_threshold_with_its_evidence():
    counts, exposure = [2, 2, 2, 2, 1, 4, 6], [100] * 7

    signal = detect(counts, exposure, P)

    # s3 = 0.6476 + 6 ln 2 - 2.125 = 2.6815
    assert signal is not None
    assert round(signal.statistic, 4) == 2.6815
    assert (signal.first, signal.crossed) == (1, 2)  # S left 0 in the window's second week
    assert (signal.observed, round(signal.expected, 3)) == (10, 4.25)


def test_the_minimum_count_silences_a_signal_on_few_failures():
    counts, exposure = [0, 0, 0, 0, 0, 0, 3], [100] * 7
    strict = Params(baseline_weeks=4, window_weeks=3, shift=2.0, threshold=1.0, min_count=4)

    assert detect(counts, exposure, strict) is None
    assert detect(counts, exposure, Params(**{**strict.__dict__, "min_count": 3})) is not None


def test_exposure_normalises_the_expected_count_when_the_installed_base_grows():
    # the same failure rate per unit on a base that doubles is not a signal
    counts = [1, 1, 1, 1, 2, 2, 2]
    exposure = [100, 100, 100, 100, 200, 200, 200]

    sensitive = Params(baseline_weeks=4, window_weeks=3, shift=2.0, threshold=0.5, min_count=3)

    # mu = (4 + 0.5) / 400 * 200 = 2.25 a week: 2 ln 2 - 2.25 < 0, S stays 0
    assert detect(counts, exposure, sensitive) is None
    # on a flat base mu = 1.125: S = 0.261, 0.523 -> reaches 0.5
    assert detect(counts, [100] * 7, sensitive) is not None


def test_a_series_without_enough_baseline_is_not_tested():
    assert detect([0, 0, 0, 5, 9, 9, 9], [0, 0, 0, 100, 100, 100, 100], P) is None


def _poisson(rng, mu):
    limit, k, p = math.exp(-mu), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def test_stationary_series_raise_at_most_one_false_alarm_per_100_series_years():
    # 400 series, each a year of weekly scans after its 60 weeks of history, at realistic
    # rates from 0.3 to 8 failures a week: the default settings (docs/quality.md)
    params, rng = Params(), random.Random(7)
    alarms, series_years = 0, 0
    for index in range(400):
        mu = (0.3, 1.0, 2.0, 4.0, 8.0)[index % 5]
        counts = [_poisson(rng, mu) for _ in range(params.weeks + 52)]
        alarmed = False
        for end in range(params.weeks, len(counts) + 1):
            signal = detect(counts[end - params.weeks:end], [1.0] * params.weeks, params)
            if signal is not None and not alarmed:
                alarms += 1  # one alarm per episode: an open alert stays open
            alarmed = signal is not None
        series_years += 1

    assert alarms <= series_years / 100


@pytest.mark.parametrize("mu", [3.0, 5.0])
def test_a_planted_step_to_three_times_the_rate_is_found_within_three_weeks(mu):
    # a series at mu failures a week goes to 3 mu; the weekly scans of the three weeks after
    # the step find it in most trials (docs/quality.md gives the detection rates by level)
    params, rng = Params(), random.Random(11)
    found, trials = 0, 200
    for _trial in range(trials):
        counts = [_poisson(rng, mu) for _ in range(params.weeks)]
        counts += [_poisson(rng, 3 * mu) for _ in range(3)]
        if any(detect(counts[end - params.weeks:end], [1.0] * params.weeks, params)
               for end in range(params.weeks + 1, params.weeks + 4)):
            found += 1

    assert found / trials >= {3.0: 0.65, 5.0: 0.9}[mu]


def test_the_window_form_the_scan_uses_gives_the_same_signal_as_the_full_series():
    rng = random.Random(18)
    params = Params(baseline_weeks=20, window_weeks=6, shift=3.0, threshold=4.0, min_count=3)
    series = [([rng.randrange(4) for _ in range(20)] + [rng.randrange(9) for _ in range(6)],
               [rng.choice([0, 500, 1000]) for _ in range(26)]) for _ in range(300)]

    pairs = [(detect(counts, exposure, params),
              detect_window(sum(counts[:20]), counts[20:], exposure, params))
             for counts, exposure in series]

    assert all(full == window for full, window in pairs)
    assert sum(1 for full, _w in pairs if full is not None) > 10  # signals were compared too


def test_a_window_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="window_weeks"):
        detect_window(8, [1, 2], [100] * 7, P)


def test_the_method_is_spelled_out_for_people_in_their_language():
    from django.utils import translation

    from quality.method import method_description

    label = Params().label

    with translation.override("en"):
        english = method_description(label)
    with translation.override("fr"):
        french = method_description(label)

    assert "baseline=" not in english and "52 weeks" in english and "8 weeks" in english
    assert french.startswith("CUSUM de Poisson") and "52 semaines" in french


def test_a_label_of_another_method_is_shown_as_it_is():
    from quality.method import method_description

    assert method_description("manual") == "manual"
