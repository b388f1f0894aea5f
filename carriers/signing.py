"""Webhook signatures: `Hotline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC covers `"<t>." + body` with the carrier's webhook secret, so a captured request can
neither be altered nor replayed once the timestamp is older than the tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from carriers.domain import WebhookRejected

HEADER = "Hotline-Signature"


def signature_make(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """Return the header value that signs `body` at `timestamp` (now by default)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def signature_verify(*, secret: str, body: bytes, headers: Mapping[str, str],
                     tolerance: int, now: float | None = None) -> None:
    """Raise WebhookRejected unless the request carries a fresh, valid signature."""
    if not secret:
        raise WebhookRejected("No webhook secret is configured for this carrier.")
    value = _header(headers)
    if not value:
        raise WebhookRejected(f"Missing {HEADER} header.")
    parts = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
    try:
        ts = int(parts.get("t", ""))
    except ValueError:
        raise WebhookRejected("Malformed signature timestamp.") from None
    now = time.time() if now is None else now
    if abs(now - ts) > tolerance:
        raise WebhookRejected("Signature timestamp is outside the tolerance.")
    expected = signature_make(secret=secret, body=body, timestamp=ts).split("v1=", 1)[1]
    given = [v for k, v in (p.split("=", 1) for p in value.split(",") if "=" in p) if k == "v1"]
    # Bytes, not str: compare_digest refuses non-ASCII str, and a forged header may have any.
    if not any(hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace"))
               for candidate in given):
        raise WebhookRejected("Signature does not match.")


def _header(headers: Mapping[str, str]) -> str:
    wanted = HEADER.lower()
    for key, value in headers.items():
        if key.lower() in (wanted, "http_" + wanted.replace("-", "_")):
            return value
    return ""
