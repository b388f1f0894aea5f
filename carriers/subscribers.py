"""What a status-change subscriber may declare besides being called.

A subscriber is a dotted path to `callback(shipment, event)`. Most tracking events are about
parcels a given subscriber has nothing to do with (a swap's subscriber and a repair's parcel):
marked with `subscriber(...)`, it says which shipments it cares about, and gets no message for
a batch without one of them. Two ways:

- `exists(shipment_pk)`: a boolean expression (an `Exists(...)`) over a shipment's primary key
  (an `OuterRef`). Ingestion folds it into its locked look-up of the batch's shipments, so it
  costs no statement of its own; subscribers sharing one function share one expression. It
  is compiled once per process: it may depend on the shipment only (no clock, no settings).
- `relevant(shipment_ids) -> the ids it cares about`: asked once per batch (its own query).

Either way the callback carries `relevant(ids)`, for whoever asks (the task that calls it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Expression, OuterRef

from carriers.models import Shipment


def subscriber(*, relevant: Callable[[set[int]], Iterable[int]] | None = None,
               exists: Callable[[OuterRef], Expression] | None = None):
    """Mark a subscriber with the shipments it cares about (`exists` or `relevant`)."""
    if (relevant is None) == (exists is None):
        raise TypeError("A subscriber says which shipments it cares about in one way: "
                        "`exists` or `relevant`.")

    def mark(callback):
        if exists is not None:
            callback.relevant_exists = exists
            callback.relevant_key = exists
            callback.relevant = lambda ids: set(
                Shipment.objects.filter(exists(OuterRef("pk")), pk__in=ids).order_by()
                .values_list("pk", flat=True))
        else:
            callback.relevant_key = relevant
            callback.relevant = lambda ids: set(relevant(ids))
        return callback
    return mark
