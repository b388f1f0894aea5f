"""Swaps: the delivery promise and what can be offered before promising anything
(like-for-like per warehouse, an equivalent variant, a backorder, a visit)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import (
    ReplacementUnit,
    Swap,
    SwapStatus,
    Warehouse,
)
from exchanges.stock.services import warehouse_default
from exchanges.swaps.promise import Promise, promise_compute
from exchanges.visits.selectors import technicians_covering
from hotline.models import ModelVariant

S = SwapStatus


def swap_promise(*, warehouse: Warehouse, postcode: str, country: str,
                 at: datetime.datetime | None = None) -> Promise:
    """Return the delivery promise of a replacement booked at `at` from `warehouse`."""
    return promise_compute(rules=warehouse.rules, at=at or timezone.now(), country=country,
                           postcode=postcode)


@dataclass(frozen=True)
class StockOption:
    """One thing the operator may offer before promising anything."""

    kind: str  # like_for_like, equivalent_variant, backorder, visit
    label: str
    warehouse: Warehouse | None = None
    variant: object = None
    available: int = 0
    promise: Promise | None = None
    needs_consent: bool = False
    until: datetime.date | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label,
                "warehouse": self.warehouse.code if self.warehouse else None,
                "variant": str(self.variant) if self.variant else None,
                "variant_id": getattr(self.variant, "pk", None), "available": self.available,
                "promise": self.promise.as_dict() if self.promise else None,
                "needs_consent": self.needs_consent,
                "until": self.until.isoformat() if self.until else None}


def backorder_date(at: datetime.datetime) -> datetime.date:
    day = timezone.localtime(at).date()
    added = 0
    while added < settings.SWAP_BACKORDER_DAYS:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def swap_stock_options(*, model, variant, postcode: str, country: str,
                       at: datetime.datetime | None = None) -> list[StockOption]:
    """Return what can be offered: like-for-like per warehouse (best promise first), an
    equivalent variant (with the customer's consent), a backorder with its date, a technician
    visit. A handful of queries, whatever the stock."""
    at = at or timezone.now()
    warehouses = {w.pk: w for w in Warehouse.objects.filter(active=True)}
    stock = (ReplacementUnit.objects.available().filter(model=model)
             .values("warehouse", "variant").annotate(n=Count("id")))
    counts = [(row["warehouse"], row["variant"], row["n"]) for row in stock]
    other_ids = {v for _w, v, _n in counts if variant is not None and v not in (None, variant.pk)}
    variants = {v.pk: v for v in ModelVariant.objects.filter(pk__in=other_ids)} if other_ids \
        else {}
    promises = {}
    options: list[StockOption] = []
    if any(w is None for w, _v, _n in counts):  # units not yet assigned: the default warehouse
        main = warehouse_default()
        warehouses.setdefault(main.pk, main)
        counts = [(w if w is not None else main.pk, v, n) for w, v, n in counts]
    merged: dict = {}
    for w, v, n in counts:
        # A handset of no particular variant takes any unit: one like-for-like option per
        # warehouse, whatever the variants in it (not one per variant, all alike).
        key = (w, None if variant is None else v)
        merged[key] = merged.get(key, 0) + n
    for (warehouse_id, variant_id), count in merged.items():
        warehouse = warehouses.get(warehouse_id)
        if warehouse is None:
            continue
        if warehouse_id not in promises:
            promises[warehouse_id] = swap_promise(warehouse=warehouse, postcode=postcode,
                                                  country=country, at=at)
        promise = promises[warehouse_id]
        if variant is None or variant_id == variant.pk:
            options.append(StockOption(
                kind="like_for_like", warehouse=warehouse, variant=variant, available=count,
                promise=promise,
                label=_("Like-for-like from %(warehouse)s") % {"warehouse": warehouse.name}))
        elif variant_id in variants:
            found = variants[variant_id]
            options.append(StockOption(
                kind="equivalent_variant", warehouse=warehouse, variant=found, available=count,
                promise=promise, needs_consent=True,
                label=_("Equivalent variant %(variant)s from %(warehouse)s (with the "
                        "customer's consent)") % {"variant": found,
                                                  "warehouse": warehouse.name}))
    options.sort(key=lambda o: (o.kind != "like_for_like", o.promise.deliver_by,
                                o.warehouse.priority))
    until = backorder_date(at)
    options.append(StockOption(kind="backorder", until=until,
                               label=_("Backorder: expected back in stock by %(date)s")
                               % {"date": until.isoformat()}))
    family = getattr(model, "family", "") or ""
    if technicians_covering(postcode=postcode, country=country, family=family):
        options.append(StockOption(kind="visit", label=_("A technician visit instead")))
    return options


def dispatch_time(swap: Swap, at: datetime.datetime) -> datetime.datetime:
    if swap.ship_on and swap.ship_on > timezone.localtime(at).date():
        return timezone.make_aware(datetime.datetime.combine(swap.ship_on, datetime.time(8)))
    return at
