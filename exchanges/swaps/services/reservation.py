"""Swaps: reserve a like-for-like unit (exactly, under concurrency), set the promise and queue
the booking; backorder with an honest date when no unit is left; restock backorders."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.errors import SwapError
from exchanges.models import (
    ReplacementUnit,
    Swap,
    SwapStatus,
    UnitStatus,
    Warehouse,
)
from exchanges.stock.services import warehouse_default
from exchanges.swaps.services.booking import swap_book
from exchanges.swaps.services.promise import backorder_date, dispatch_time, swap_promise
from hotline.errors import DomainError
from hotline.notifications import notification_send
from hotline.workflow import record_event, transition

S = SwapStatus


def reserve_unit(*, swap: Swap, at, warehouse: Warehouse | None = None):
    """Lock and take the available like-for-like unit with the best promise, or None.

    `select_for_update(skip_locked=True)` lets concurrent swaps pass over a unit being taken;
    the conditional update and the unique unit of a swap make it exact on any database."""
    if warehouse is not None:
        warehouses = [warehouse]
    else:
        warehouses = list(Warehouse.objects.filter(active=True))
        if ReplacementUnit.objects.available().filter(warehouse__isnull=True).exists() and \
                not any(w.code == "main" for w in warehouses):
            warehouses.append(warehouse_default())
    ranked = sorted(
        ((swap_promise(warehouse=w, postcode=swap.postcode, country=swap.country,
                       at=dispatch_time(swap, at)), w) for w in warehouses),
        key=lambda pair: (pair[0].deliver_by, pair[1].priority))
    for promise, candidate in ranked:
        where = Q(warehouse=candidate)
        if candidate.code == "main":
            where |= Q(warehouse__isnull=True)
        units = (ReplacementUnit.objects.available()
                 .like_for_like(model=swap.model, variant=swap.variant)
                 .filter(where).order_by("id"))
        for unit in units.select_for_update(skip_locked=True)[:5]:
            updated = ReplacementUnit.objects.filter(
                pk=unit.pk, status=UnitStatus.AVAILABLE).update(
                status=UnitStatus.RESERVED, warehouse=candidate, updated_at=timezone.now())
            if updated:
                unit.refresh_from_db()
                return unit, candidate, promise
    return None


def swap_reserve(*, swap: Swap, actor=None, at: datetime.datetime | None = None,
                 warehouse: Warehouse | None = None, backorder: bool = True,
                 carrier_options: dict | None = None) -> Swap:
    """Reserve a like-for-like unit (exactly: never the same unit for two swaps), set the
    promise and book the courier; with no unit anywhere, backorder with an honest date."""
    at = at or timezone.now()
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        if swap.status not in (S.REQUESTED, S.BACKORDERED):
            raise SwapError(_("Only a requested or backordered swap is reserved."),
                            code="not_reservable")
        found = reserve_unit(swap=swap, at=at, warehouse=warehouse)
        if found is None:
            if warehouse is not None:
                raise SwapError(_("No like-for-like unit left in %(warehouse)s.")
                                % {"warehouse": warehouse.name}, code="no_stock")
            if swap.status == S.REQUESTED and backorder:
                until = backorder_date(at)
                transition(swap, "backorder", actor=actor, until=until, check_permission=False,
                           data={"until": until.isoformat()})
                notification_send(case=swap.case, template="swap_backordered",
                                  context={"until": until.isoformat(), "model": str(swap.model)})
            return swap
        unit, chosen, promise = found
        name = "reserve" if swap.status == S.REQUESTED else "restock"
        transition(swap, name, actor=actor, unit=unit, warehouse=chosen, promise=promise,
                   check_permission=False,
                   data={"unit": unit.pk, "imei": unit.imei or "", "warehouse": chosen.code,
                         "promised_by": promise.deliver_by.isoformat()})
        # The customer hears of the promise once, with the courier's tracking, when the booking
        # is applied (swap_booking_apply): one message per milestone.
        swap_book(swap=swap, actor=actor, carrier_options=carrier_options)
    return swap


def swap_choose_variant(*, swap: Swap, variant, actor=None, consent_note: str) -> Swap:
    """The customer consented to an equivalent variant: reserve that one instead."""
    if not consent_note.strip():
        raise SwapError(_("Record how the customer consented to another variant."),
                        field="consent_note")
    if variant.model_id != swap.model_id:
        raise SwapError(_("An equivalent variant is of the same model."), field="variant")
    with transaction.atomic():
        locked = Swap.objects.select_for_update().get(pk=swap.pk)
        if locked.status not in (S.REQUESTED, S.BACKORDERED):
            raise SwapError(_("Only a requested or backordered swap changes variant."),
                            code="not_reservable")
        record_event(locked, action="swap_variant_consented", actor=actor, reason=consent_note,
                     data={"from": str(locked.variant or ""), "to": str(variant)})
        Swap.objects.filter(pk=locked.pk).update(variant=variant)
        locked.refresh_from_db()
        return swap_reserve(swap=locked, actor=actor, backorder=False)


def swaps_restock(*, now: datetime.datetime | None = None) -> int:
    """Reserve units for backordered swaps now that stock came in; return how many."""
    done = 0
    for swap in Swap.objects.filter(status=S.BACKORDERED).order_by("created_at"):
        try:
            swap = swap_reserve(swap=swap, at=now, backorder=False)
        except DomainError:
            continue
        done += swap.status == S.RESERVED
    return done
