"""The carrier subscriber: courier tracking events drive the swaps."""


def on_shipment_event(shipment, event) -> None:
    """Called by carriers after commit for each status change of a shipment (idempotent)."""
    from exchanges.swaps.services import swap_tracking_apply

    swap_tracking_apply(shipment=shipment, event=event)
