"""The couriers' webhook signatures: `hotline.signing` with `Hotline-Signature` and
WebhookRejected (see that module for the scheme)."""

from __future__ import annotations

from collections.abc import Mapping

from carriers.domain import WebhookRejected
from hotline import signing
from hotline.signing import HEADER, signature_make

__all__ = ["HEADER", "signature_make", "signature_verify"]


def signature_verify(*, secret: str, body: bytes, headers: Mapping[str, str],
                     tolerance: int, now: float | None = None) -> None:
    """Raise WebhookRejected unless the request carries a fresh, valid signature."""
    signing.signature_verify(secret=secret, body=body, headers=headers, tolerance=tolerance,
                             now=now, error=WebhookRejected)
