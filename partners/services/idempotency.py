"""Idempotent POSTs: the same Idempotency-Key and body get the first answer again; the same
key with another body is refused; keys are kept PARTNERS_IDEMPOTENCY_HOURS (at least 24)."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.errors import IdempotencyConflict, PartnerError
from partners.models import IdempotentRequest

MAX_KEY = 255


def idempotency_owner(*, distributor=None, user=None) -> str:
    """Keys are per distributor (all its keys and users share them), else per user."""
    return f"d:{distributor.pk}" if distributor is not None else f"u:{user.pk}"


def body_hash(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_begin(*, owner: str, key: str, path: str, data) -> IdempotentRequest | None:
    """Claim `key` for this request. Return the stored request when it was answered before
    (replay it), None when this request is the first (answer it, then `idempotent_finish`).
    """
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise PartnerError(_("Idempotency-Key must be 1 to %(max)s characters.") % {"max": MAX_KEY},
                           field="Idempotency-Key")
    digest = body_hash({"path": path, "body": data})
    cutoff = timezone.now() - datetime.timedelta(hours=settings.PARTNERS_IDEMPOTENCY_HOURS)
    IdempotentRequest.objects.filter(owner=owner, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            IdempotentRequest.objects.create(owner=owner, key=key, path=path, body_hash=digest)
        return None
    except IntegrityError:
        pass
    stored = IdempotentRequest.objects.get(owner=owner, key=key)
    if stored.body_hash != digest:
        raise IdempotencyConflict(_("This Idempotency-Key was used with another request: use "
                                    "a new key for a new request."), field="Idempotency-Key",
                                  code="idempotency_key_reused")
    if stored.status_code is None:
        raise IdempotencyConflict(_("The first request with this Idempotency-Key is still "
                                    "being processed: retry in a moment."),
                                  field="Idempotency-Key", code="idempotency_in_progress")
    return stored


def idempotent_finish(*, owner: str, key: str, status_code: int, response) -> None:
    """Store the answer to replay; a failed request (4xx/5xx) frees the key for a retry."""
    if status_code >= 400:
        IdempotentRequest.objects.filter(owner=owner, key=key.strip(),
                                         status_code__isnull=True).delete()
        return
    IdempotentRequest.objects.filter(owner=owner, key=key.strip()).update(
        status_code=status_code, response=json.loads(json.dumps(response, default=str)))


def idempotency_purge(*, now=None) -> int:
    """Forget keys older than the retention; return how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.PARTNERS_IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
