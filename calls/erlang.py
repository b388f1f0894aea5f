"""Erlang C staffing.

Erlang B by its recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which stays between 0
and 1 and never computes a factorial or a power of A, so it is stable for hundreds of
Erlangs; then C = N·B / (N − A·(1 − B)).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


class StaffingError(ValueError):
    pass


# The inputs' documented limits (docs/calls.md): beyond them the API answers 400 and the
# console names the field. With them no computation loops more than MAX_AGENTS times, whatever
# is asked: the traffic is at most MAX_TRAFFIC Erlangs and the search for operators stops at
# MAX_AGENTS.
LIMITS = {
    "calls": (0, 100_000),           # calls per interval
    "interval": (60, 86_400),        # seconds: a minute to a day
    "aht": (1, 36_000),              # seconds: up to 10 hours per call
    "answer_within": (0, 3_600),     # seconds
    "target": (0.01, 0.999),         # service level, a fraction
    "shrinkage": (0, 0.9),           # a fraction
    "max_occupancy": (0.1, 1),       # a fraction
    "agents": (0, 10_000),
}
MAX_TRAFFIC = 5_000                  # Erlangs (calls x AHT / interval)
MAX_AGENTS = 10_000


def _check_limit(name: str, value) -> None:
    low, high = LIMITS[name]
    if value is not None and not low <= value <= high:
        raise StaffingError(f"{name} must be between {low:g} and {high:g}")


def erlang_b(agents: int, traffic: float) -> float:
    """Return the Erlang B blocking probability for `agents` servers and `traffic` Erlangs."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Return the probability that a call waits (1 when the agents cannot keep up)."""
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return _c_from_b(agents, traffic, blocking)


def _c_from_b(agents: int, traffic: float, blocking: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1 - blocking))


@dataclass(frozen=True)
class Prediction:
    agents: int
    traffic_erlangs: float
    probability_wait: float
    service_level: float
    asa: float | None
    occupancy: float


@dataclass(frozen=True)
class Staffing:
    """The operators needed for a forecast, and what that staffing predicts."""

    calls: float
    interval_seconds: int
    aht: float
    target_service_level: float
    answer_within: float
    shrinkage: float
    max_occupancy: float | None
    agents: int
    agents_with_shrinkage: int
    prediction: Prediction

    def as_dict(self) -> dict:
        data = asdict(self)
        prediction = data.pop("prediction")
        data.update({key: value for key, value in prediction.items() if key != "agents"})
        return data


def _predict(agents: int, traffic: float, aht: float, answer_within: float,
             blocking: float | None = None) -> Prediction:
    if agents <= traffic:
        return Prediction(agents=agents, traffic_erlangs=traffic, probability_wait=1.0,
                          service_level=0.0, asa=None, occupancy=1.0 if agents else 0.0)
    wait = _c_from_b(agents, traffic, erlang_b(agents, traffic) if blocking is None else blocking)
    level = 1 - wait * math.exp(-(agents - traffic) * answer_within / aht)
    return Prediction(agents=agents, traffic_erlangs=traffic, probability_wait=wait,
                      service_level=max(0.0, min(1.0, level)),
                      asa=wait * aht / (agents - traffic), occupancy=traffic / agents)


def _validate(calls, interval_seconds, aht, answer_within, shrinkage, max_occupancy):
    for name, value in (("calls", calls), ("interval", interval_seconds), ("aht", aht),
                        ("answer_within", answer_within)):
        if not math.isfinite(value):
            raise StaffingError(f"{name} must be a finite number")
    if calls < 0:
        raise StaffingError("calls must not be negative")
    if interval_seconds <= 0:
        raise StaffingError("the interval must be longer than 0 seconds")
    if aht <= 0:
        raise StaffingError("the average handle time must be longer than 0 seconds")
    if answer_within < 0:
        raise StaffingError("the answer threshold must not be negative")
    if not 0 <= shrinkage < 1:
        raise StaffingError("shrinkage is a fraction from 0 to below 1 (0.3 for 30%)")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise StaffingError("the maximum occupancy is a fraction above 0, at most 1")
    for name, value in (("calls", calls), ("interval", interval_seconds), ("aht", aht),
                        ("answer_within", answer_within), ("shrinkage", shrinkage),
                        ("max_occupancy", max_occupancy)):
        _check_limit(name, value)
    if calls * aht / interval_seconds > MAX_TRAFFIC:
        raise StaffingError(f"the traffic (calls x aht / interval) must be at most {MAX_TRAFFIC} "
                            "Erlangs")


def predict(*, agents: int, calls: float, interval_seconds: int, aht: float,
            answer_within: float) -> Prediction:
    """Return what `agents` operators on the phones would achieve for this traffic."""
    _validate(calls, interval_seconds, aht, answer_within, 0, None)
    if agents < 0:
        raise StaffingError("the number of operators must not be negative")
    _check_limit("agents", agents)
    return _predict(agents, calls * aht / interval_seconds, aht, answer_within)


def staffing_required(*, calls: float, interval_seconds: int, aht: float, target: float,
                      answer_within: float, shrinkage: float = 0.0,
                      max_occupancy: float | None = None) -> Staffing:
    """Return the fewest operators that reach `target` service level at `answer_within`
    seconds (and stay under `max_occupancy`), before and after shrinkage."""
    _validate(calls, interval_seconds, aht, answer_within, shrinkage, max_occupancy)
    if not 0 < target < 1:
        raise StaffingError("the target service level is a fraction between 0 and 1 (0.8)")
    _check_limit("target", target)
    traffic = calls * aht / interval_seconds
    agents = max(1, math.floor(traffic) + 1)
    if max_occupancy is not None:  # start where the occupancy is met, instead of walking there
        agents = max(agents, math.ceil(traffic / max_occupancy - 1e-9))
    blocking = erlang_b(agents, traffic)
    while True:
        prediction = _predict(agents, traffic, aht, answer_within, blocking)
        occupancy_ok = max_occupancy is None or prediction.occupancy <= max_occupancy + 1e-12
        if prediction.service_level >= target and occupancy_ok:
            break
        if agents >= MAX_AGENTS:
            raise StaffingError(f"more than {MAX_AGENTS} operators would be needed")
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)
    scheduled = math.ceil(agents / (1 - shrinkage) - 1e-9)
    return Staffing(calls=calls, interval_seconds=interval_seconds, aht=aht,
                    target_service_level=target, answer_within=answer_within,
                    shrinkage=shrinkage, max_occupancy=max_occupancy, agents=agents,
                    agents_with_shrinkage=scheduled, prediction=prediction)


STAFFING_KEYS = ("calls", "interval", "aht", "answer_within", "target", "shrinkage",
                 "max_occupancy", "agents")


def staffing_answer(*, calls: float, interval: int, aht: float, answer_within: float,
                    target: float = 0.8, shrinkage: float = 0.0,
                    max_occupancy: float | None = None, agents: int | None = None) -> dict:
    """Return what the staffing tools show: the predictions for `agents` operators when
    given, else the operators needed for `target`. Raise StaffingError on bad input."""
    if agents is not None:
        return predict(agents=agents, calls=calls, interval_seconds=interval, aht=aht,
                       answer_within=answer_within).__dict__
    return staffing_required(calls=calls, interval_seconds=interval, aht=aht, target=target,
                             answer_within=answer_within, shrinkage=shrinkage,
                             max_occupancy=max_occupancy).as_dict()
