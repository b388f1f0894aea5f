"""Warranty: purchase date + the model's warranty months; damage is never covered.

A replacement handset keeps the warranty end of the one it replaced (Handset.warranty_end
reads `warranty_end_override` first).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
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
        return WarrantyStatus(WarrantyState.NOT_COVERED, end, _(
            "%(code)s is liquid or physical damage, which the warranty never covers.")
            % {"code": fault_code.code})
    if end is None:
        return WarrantyStatus(WarrantyState.UNKNOWN, None, _(
            "The purchase date is unknown: the warranty applies once a proof of purchase "
            "gives it."))
    if on <= end:
        return WarrantyStatus(WarrantyState.IN_WARRANTY, end, _(
            "Under warranty until %(end)s.") % {"end": end.isoformat()})
    return WarrantyStatus(WarrantyState.EXPIRED, end, _(
        "The warranty ended on %(end)s.") % {"end": end.isoformat()})
