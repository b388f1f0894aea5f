"""Reads of the replacement stock."""

from __future__ import annotations

from exchanges.models import ReplacementUnit


def stock_available(*, model, variant=None) -> int:
    """Return how many like-for-like replacement units are available now."""
    return ReplacementUnit.objects.available().like_for_like(model=model, variant=variant).count()
