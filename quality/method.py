"""The early-warning method, on plain lists: a one-sided Poisson CUSUM per series.

For a series (a model x fault code, or a model x fault code x batch) and the week being
scanned, T:
- the *baseline* is the `baseline_weeks` weeks before the `window_weeks` weeks that end on
  T; its failure rate per unit in the field is  lambda = (failures + 0.5) / exposure
  (the 0.5 keeps a clean baseline from expecting exactly nothing);
- each week t of the window expects  mu_t = lambda * exposure_t  failures;
- the CUSUM  S_t = max(0, S_{t-1} + x_t * ln(k) - (k - 1) * mu_t)  accumulates the
  log-likelihood ratio of "the rate is k times the baseline" against "it is the baseline";
- the series signals when S reaches `threshold` (h) in the window and at least `min_count`
  failures were observed since the signal started (the week after S was last 0).
Exposure is the installed base for a model series; a batch series compares a batch with its
own past (exposure 1 per week it was in the field).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

METHOD = "poisson-cusum"
_LABEL = re.compile(r"poisson-cusum k=(?P<k>[\d.]+) h=(?P<h>[\d.]+) baseline=(?P<baseline>\d+)w "
                    r"window=(?P<window>\d+)w min=(?P<min>\d+)\Z")


@dataclass(frozen=True)
class Params:
    baseline_weeks: int = 52
    window_weeks: int = 8
    shift: float = 3.0
    threshold: float = 8.0
    min_count: int = 5

    @property
    def label(self) -> str:
        return (f"{METHOD} k={self.shift:g} h={self.threshold:g} baseline={self.baseline_weeks}w "
                f"window={self.window_weeks}w min={self.min_count}")

    @property
    def description(self) -> str:
        """The method and its parameters in words, in the active language."""
        return method_description(self.label)

    @property
    def weeks(self) -> int:
        return self.baseline_weeks + self.window_weeks


def method_description(label: str) -> str:
    """A stored method label ("poisson-cusum k=3 h=8 baseline=52w window=8w min=5") spelled out
    for people in the active language; another label is returned as it is."""
    found = _LABEL.match(label or "")
    if found is None:
        return label
    return _("Poisson CUSUM: signals a failure rate %(k)s times the baseline's once the "
             "statistic reaches %(h)s, comparing the last %(window)s weeks with the "
             "%(baseline)s weeks before them, with at least %(min)s failures.") % {
        "k": found["k"], "h": found["h"], "window": found["window"],
        "baseline": found["baseline"], "min": found["min"]}


def params_from_settings() -> Params:
    return Params(baseline_weeks=settings.QUALITY_EW_BASELINE_WEEKS,
                  window_weeks=settings.QUALITY_EW_WINDOW_WEEKS,
                  shift=settings.QUALITY_EW_SHIFT, threshold=settings.QUALITY_EW_THRESHOLD,
                  min_count=settings.QUALITY_EW_MIN_COUNT)


@dataclass(frozen=True)
class Signal:
    first: int  # index in the window of the signal's first week
    crossed: int  # index of the week S first reached the threshold
    observed: int  # failures from the first week to the end of the window
    expected: float
    statistic: float  # the largest S in the window
    rate: float  # the baseline failures per unit and week
    cusum: tuple[float, ...]
    expected_weeks: tuple[float, ...]


def detect(counts: Sequence[int], exposure: Sequence[float], params: Params) -> Signal | None:
    """Scan one series: `counts` and `exposure` hold baseline_weeks + window_weeks values,
    oldest first, the last being the week scanned. Return the signal, or None."""
    base, window = params.baseline_weeks, params.window_weeks
    if len(counts) != base + window or len(exposure) != base + window:
        raise ValueError("a series holds baseline_weeks + window_weeks values")
    return detect_window(sum(counts[:base]), counts[base:], exposure, params)


def detect_window(baseline_failures: int, window: Sequence[int], exposure: Sequence[float],
                  params: Params) -> Signal | None:
    """Scan one series from its baseline total and the weekly counts of its window (what the
    scan's GROUP BY returns); `exposure` holds baseline_weeks + window_weeks values."""
    base = params.baseline_weeks
    if len(window) != params.window_weeks or len(exposure) != base + params.window_weeks:
        raise ValueError("a window holds window_weeks values, exposure baseline + window")
    baseline = exposure[:base]
    base_exposure = sum(baseline)
    if base_exposure <= 0 or base - baseline.count(0) < base / 2:
        return None  # too young a series: no baseline to compare with
    rate = (baseline_failures + 0.5) / base_exposure
    log_k, drift = math.log(params.shift), params.shift - 1
    s, path, mus = 0.0, [], []
    for x, e in zip(window, exposure[base:], strict=True):
        mu = rate * e
        s = max(0.0, s + x * log_k - drift * mu)
        path.append(s)
        mus.append(mu)
    crossed = next((i for i, value in enumerate(path) if value >= params.threshold), None)
    if crossed is None:
        return None
    first = crossed
    while first > 0 and path[first - 1] > 0:
        first -= 1
    observed = sum(window[first:])
    if observed < params.min_count:
        return None
    return Signal(first=first, crossed=crossed, observed=observed, expected=sum(mus[first:]),
                  statistic=max(path), rate=rate, cusum=tuple(path), expected_weeks=tuple(mus))
