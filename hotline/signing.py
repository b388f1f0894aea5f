"""Webhook signatures shaped like Stripe's: `<Header>: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC covers `"<t>." + body` with the shared secret, so a captured request can neither be
altered nor replayed once the timestamp is older than the tolerance. Used for the couriers'
pushes (`Hotline-Signature`), the payment providers' (`Stripe-Signature`) and the webhooks
Hotline sends to partners.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping


class SignatureRejected(Exception):
    """The request is not signed, or not by the holder of the secret, or not recently."""

HEADER = "Hotline-Signature"


def signature_make(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """Return the header value that signs `body` at `timestamp` (now by default)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def signature_verify(*, secret: str, body: bytes, headers: Mapping[str, str],
                     tolerance: int, now: float | None = None, header: str = HEADER,
                     error: type[Exception] = SignatureRejected) -> None:
    """Raise `error` unless the request carries a fresh, valid signature in `header`."""
    if not secret:
        raise error("No webhook secret is configured.")
    value = _header(headers, header)
    if not value:
        raise error(f"Missing {header} header.")
    parts = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
    try:
        ts = int(parts.get("t", ""))
    except ValueError:
        raise error("Malformed signature timestamp.") from None
    now = time.time() if now is None else now
    if abs(now - ts) > tolerance:
        raise error("Signature timestamp is outside the tolerance.")
    expected = signature_make(secret=secret, body=body, timestamp=ts).split("v1=", 1)[1]
    given = [v for k, v in (p.split("=", 1) for p in value.split(",") if "=" in p) if k == "v1"]
    # Bytes, not str: compare_digest refuses non-ASCII str, and a forged header may have any.
    if not any(hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace"))
               for candidate in given):
        raise error("Signature does not match.")


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() in (wanted, "http_" + wanted.replace("-", "_")):
            return value
    return ""
