"""The warranty answer lives in `hotline.warranty` (diagnostics asks it too); re-exported for
the decision code."""

from hotline.warranty import (  # noqa: F401
    WarrantyState,
    WarrantyStatus,
    is_damage,
    warranty_of_inputs,
    warranty_reason,
    warranty_status,
)
