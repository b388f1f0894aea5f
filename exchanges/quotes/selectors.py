"""Reads of quotes."""

from __future__ import annotations

from exchanges.models import Quote


def quote_current(*, case) -> Quote | None:
    """Return the case's latest quote."""
    return Quote.objects.filter(case=case).prefetch_related("lines").first()


def quote_by_token(*, token: str) -> Quote | None:
    """Return the quote a customer link names, or None."""
    if not token or len(token) > 64:
        return None
    return (Quote.objects.select_related("case__customer", "case__handset__model")
            .prefetch_related("lines").filter(token=token).first())
