"""Warranty: purchase date + the model's warranty months; damage is never covered.

The one warranty answer of the product: the decision (exchanges), the diagnostic run's result
(diagnostics) and the case page all ask `warranty_status`. A fault code is read by its
`warranty_covered` and `category` only, so this module names no other app.

A replacement handset keeps the warranty end of the one it replaced (Handset.warranty_end
reads `warranty_end_override` first).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class WarrantyState(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("under warranty")
    EXPIRED = "expired", _("out of warranty")
    UNKNOWN = "unknown", _("unknown: proof of purchase required")
    NOT_COVERED = "not_covered", _("fault not covered")


@dataclass(frozen=True)
class WarrantyStatus:
    state: str
    end: datetime.date | None
    reason: str

    def get_state_display(self) -> str:
        return str(WarrantyState(self.state).label)

    @property
    def covered(self) -> bool:
        return self.state == WarrantyState.IN_WARRANTY

    def as_dict(self) -> dict:
        return {"state": self.state, "end": self.end.isoformat() if self.end else None,
                "covered": self.covered, "reason": str(self.reason)}


def is_damage(fault_code) -> bool:
    """Return whether the fault is liquid or physical damage (never covered)."""
    return fault_code is not None and (
        not fault_code.warranty_covered
        or fault_code.category in ("liquid_damage", "physical_damage"))


def warranty_status(*, handset, fault_code=None, on: datetime.date | None = None) -> WarrantyStatus:
    """Return whether the handset's repair for `fault_code` is covered on day `on`."""
    on = on or timezone.localdate()
    end = handset.warranty_end if handset is not None else None
    if is_damage(fault_code):
        state = WarrantyState.NOT_COVERED
    elif end is None:
        state = WarrantyState.UNKNOWN
    else:
        state = WarrantyState.IN_WARRANTY if on <= end else WarrantyState.EXPIRED
    return WarrantyStatus(state, end, warranty_reason(state=state, end=end, fault_code=fault_code))


def warranty_reason(*, state: str, end: datetime.date | None, fault_code=None,
                    readable: bool = False) -> str:
    """Return the warranty line for `state`, in the active language; the date in ISO form
    (stored in a decision's reasons) or `readable` ("13 mai 2028") for a page."""
    day = (formats.date_format(end, "j F Y") if readable else end.isoformat()) if end else ""
    if state == WarrantyState.NOT_COVERED:
        return _("%(code)s is liquid or physical damage, which the warranty never covers.") % {
            "code": getattr(fault_code, "code", "?")}
    if state == WarrantyState.UNKNOWN or end is None:
        return _("The purchase date is unknown: the warranty applies once a proof of purchase "
                 "gives it.")
    if state == WarrantyState.IN_WARRANTY:
        return _("Under warranty until %(end)s.") % {"end": day}
    return _("The warranty ended on %(end)s.") % {"end": day}


def warranty_of_inputs(inputs: dict, fault_code=None) -> WarrantyStatus | None:
    """Return the warranty a decision recorded in its `inputs`, its line in the active
    language (the stored reason is in the language of the day it was decided)."""
    data = (inputs or {}).get("warranty")
    if not data:
        return None
    end = datetime.date.fromisoformat(data["end"]) if data.get("end") else None
    return WarrantyStatus(data["state"], end, warranty_reason(
        state=data["state"], end=end, fault_code=fault_code, readable=True))
