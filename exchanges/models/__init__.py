"""Models of the exchanges app: what a diagnosis leads to."""

from exchanges.models.decisions import Decision, DecisionStatus, Diagnosis, DiagnosisSource
from exchanges.models.quotes import Quote, QuoteLine, QuoteStatus, ServicePrice
from exchanges.models.service import (
    OPEN_VISIT_STATES,
    SLOT_HOLDING_STATES,
    AddressSnapshot,
    Technician,
    Visit,
    VisitStatus,
)
from exchanges.models.stock import ReplacementUnit, UnitGrade, UnitStatus, Warehouse
from exchanges.models.swaps import (
    EXCEPTION_STATES,
    OPEN_SWAP_STATES,
    InspectionOutcome,
    Swap,
    SwapInspection,
    SwapStatus,
)

__all__ = [
    "EXCEPTION_STATES",
    "OPEN_SWAP_STATES",
    "InspectionOutcome",
    "SwapInspection",
    "UnitGrade",
    "Warehouse",
    "OPEN_VISIT_STATES",
    "SLOT_HOLDING_STATES",
    "AddressSnapshot",
    "Decision",
    "DecisionStatus",
    "Diagnosis",
    "DiagnosisSource",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "ReplacementUnit",
    "ServicePrice",
    "Swap",
    "SwapStatus",
    "Technician",
    "UnitStatus",
    "Visit",
    "VisitStatus",
]
