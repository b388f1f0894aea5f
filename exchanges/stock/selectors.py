"""Reads of the replacement stock."""

from __future__ import annotations

from django.db.models import QuerySet

from exchanges.models import ReplacementUnit, Warehouse
from hotline.models import ModelVariant


def stock_available(*, model, variant=None) -> int:
    """Return how many like-for-like replacement units are available now."""
    return ReplacementUnit.objects.available().like_for_like(model=model, variant=variant).count()


def warehouses_active() -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(active=True)


def variants_in_stock_instead(*, model, variant) -> QuerySet[ModelVariant]:
    """Other variants of `model` with a unit available now (offered with the customer's
    consent when the like-for-like variant is out of stock)."""
    ids = (ReplacementUnit.objects.available().filter(model=model)
           .exclude(variant=variant).exclude(variant__isnull=True)
           .values("variant"))
    return ModelVariant.objects.filter(pk__in=ids)
