"""Reads of the diagnostics app that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass

from diagnostics.models import FaultCode


@dataclass(frozen=True)
class Recommendation:
    """What a completed diagnosis recommends for a case: the contract with the case workflow."""

    fault_code: FaultCode
    action: str  # diagnostics.models.Action
    advice: str = ""
    run_id: int | None = None


def case_recommendation(*, case) -> Recommendation | None:
    """Return the recommendation of the case's latest completed script run, if any.

    Filled in by the guided-scripts work (ScriptRun); until a run completes there is none.
    """
    return None
