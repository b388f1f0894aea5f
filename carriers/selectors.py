"""Reads of the carriers app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from carriers.models import Shipment


def shipment_list(*, filters: dict | None = None) -> QuerySet[Shipment]:
    """Return shipments, newest first, filtered by status, carrier, direction or a search."""
    filters = filters or {}
    qs = Shipment.objects.select_related("visit_partner").order_by("-created_at", "-id")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("carrier"):
        qs = qs.filter(carrier=filters["carrier"])
    if filters.get("direction"):
        qs = qs.filter(direction=filters["direction"])
    query = (filters.get("q") or "").strip()
    if query:
        qs = qs.filter(Q(tracking_number__iexact=query.replace(" ", ""))
                       | Q(reference__icontains=query) | Q(piece_numbers__icontains=query))
    return qs


def shipment_events(*, shipment: Shipment):
    return shipment.events.order_by("occurred_at", "id")
