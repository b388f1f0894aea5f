"""The carrier subscriber: courier tracking events drive the swaps."""

from carriers.subscribers import subscriber
from exchanges.swaps.selectors import swap_shipment_exists
from exchanges.swaps.services import swap_tracking_apply


@subscriber(exists=swap_shipment_exists)
def on_shipment_event(shipment, event) -> None:
    """Called by carriers after commit for each status change of a shipment (idempotent)."""
    swap_tracking_apply(shipment=shipment, event=event)
