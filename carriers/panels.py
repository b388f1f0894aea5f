"""What the carriers app adds to other pages: a case's shipments (found by our reference)."""

from __future__ import annotations

from carriers.capabilities import VIEW_SHIPMENTS
from carriers.models import Shipment
from hotline.capabilities import has_capability
from hotline.panels import Panel


def case_shipments(request, case) -> Panel | None:
    """List the shipments booked with the case's number as our reference, if any."""
    if not has_capability(request.user, VIEW_SHIPMENTS):
        return None
    shipments = list(Shipment.objects.filter(reference=case.number).order_by("created_at", "id"))
    if not shipments:
        return None
    return Panel("carriers/_case_shipments.html", {"shipments": shipments}, order=60)
