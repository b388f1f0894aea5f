"""What a status-change subscriber may declare besides being called.

A subscriber is a dotted path to `callback(shipment, event)`. Most tracking events are about
parcels a given subscriber has nothing to do with (a swap's subscriber and a repair's parcel):
marked with `relevant`, it is asked once per batch which shipments it cares about (one query)
instead of looking each event's shipment up."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def subscriber(*, relevant: Callable[[set[int]], Iterable[int]]):
    """Mark a subscriber with `relevant(shipment_ids) -> the ids it cares about`."""
    def mark(callback):
        callback.relevant = lambda ids: set(relevant(ids))
        return callback
    return mark
