"""Secrets kept encrypted at rest (Fernet, from the `cryptography` package): today the
signing secrets of distributors' webhook subscriptions.

The keys come from WEBHOOK_SECRET_KEY (comma-separated Fernet keys: the first encrypts, every
one decrypts, so a key can be rotated); without it, one key is derived from SECRET_KEY. With
the derived key, changing SECRET_KEY makes the stored secrets unreadable: set
WEBHOOK_SECRET_KEY in production."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret does not decrypt with any configured key."""


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "WEBHOOK_SECRET_KEYS", None) or [])
    if not keys:
        digest = hashlib.sha256(b"hotline.encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest)]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    """Return `text` encrypted with the first key (a Fernet token, ASCII)."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Return the text a token of `encrypt` holds, or raise SecretUnreadable."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable("a stored secret does not decrypt with WEBHOOK_SECRET_KEY "
                               "(or the key derived from SECRET_KEY)") from None


def key_valid(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True
