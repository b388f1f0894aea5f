"""Arithmetic shared by the swap and visit measures."""

from __future__ import annotations


def share(part, whole) -> float | None:
    """Return part / whole to three places, or None when there is nothing to divide by."""
    return round(part / whole, 3) if whole else None
