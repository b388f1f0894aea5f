"""Models of the repairs app: service points, repair orders, parts."""

from repairs.models.orders import (
    BENCH_STATES,
    FINAL_REPAIR_STATES,
    OPEN_REPAIR_STATES,
    RepairKind,
    RepairOrder,
    RepairResult,
    RepairStatus,
)
from repairs.models.parts import Part, PartStock, PartUse, PartUseStatus, StockLocation
from repairs.models.points import (
    OPEN_REFERRAL_STATES,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    ServicePoint,
)

__all__ = [
    "BENCH_STATES",
    "FINAL_REPAIR_STATES",
    "OPEN_REFERRAL_STATES",
    "OPEN_REPAIR_STATES",
    "Part",
    "PartStock",
    "PartUse",
    "PartUseStatus",
    "Referral",
    "ReferralOutcome",
    "ReferralStatus",
    "RepairKind",
    "RepairOrder",
    "RepairResult",
    "RepairStatus",
    "ServicePoint",
    "StockLocation",
]
