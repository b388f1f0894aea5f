"""The carrier subscriber: courier tracking events drive the swaps."""

from exchanges.swaps.services import swap_tracking_apply


def on_shipment_event(shipment, event) -> None:
    """Called by carriers after commit for each status change of a shipment (idempotent)."""
    swap_tracking_apply(shipment=shipment, event=event)
