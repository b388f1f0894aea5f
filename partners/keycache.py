"""API keys kept in the cache: each request with a key reads it, its distributor and the user
it acts as (with that user's capabilities) in one cache round trip instead of four queries.

The secret is still checked on every request (SHA-512 of the key against the stored hash),
and so is the expiry date. Every entry carries the cache's *generation*, a random token that
any change to a key, a distributor, a user, a profile, a group or a permission replaces
(receivers below, at once and again after commit): an entry of another generation is never
used, so a revoked or rotated key is refused at the next request. The generation is read
before the database, so an entry filled from a read that raced with a change is already
stale when it is stored.

PARTNERS_API_KEY_CACHE_SECONDS (0 turns it off) bounds how long an entry lives; it is on by
default only with a shared cache (CACHE_URL): a per-process cache could not tell the other
processes of a revocation.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from hotline.models import Distributor, Profile
from partners import ratecount
from partners.models import DistributorKey
from partners.ratecount import rate_window
from partners.services.keys import api_user, key_use_marker

GENERATION = "partners:api-key:generation"
ENTRY = "partners:api-key:{prefix}"


def key_identity(raw: str, *, rate_seconds: int | None = None) -> tuple[DistributorKey, object]:
    """Return the usable, valid key for `raw` ("prefix.secret") and the user it acts as;
    raise DistributorKey.DoesNotExist for an unknown, revoked or wrong key. A key from the
    cache knows, from the same round trip, whether its last use was written less than a
    minute ago (`key.use_recorded`: partners.services.keys.key_used) and, with Redis and a
    rate window of `rate_seconds`, has its request counted (`key.rate_count`:
    partners.auth.KeyRateThrottle; taken back if the key is refused)."""
    prefix = raw.partition(".")[0]
    seconds = settings.PARTNERS_API_KEY_CACHE_SECONDS
    found = None
    recorded = False
    counted = None
    if seconds:
        entry_name, used_name = ENTRY.format(prefix=prefix), key_use_marker(prefix)
        names = [entry_name, GENERATION, used_name]
        if rate_seconds and ratecount.one_round_trip():
            current, last, into = rate_window(prefix, now=time.time(), duration=rate_seconds)
            got, before, count = ratecount.count(current=current, last=last,
                                                 timeout=2 * rate_seconds, also=names)
            counted = (rate_seconds, current, into, before, count)
        else:
            got = cache.get_many(names)
        generation = got.get(GENERATION) or _generation_start()
        entry = got.get(entry_name)
        recorded = used_name in got
        if entry is not None and entry[0] == generation:
            found = entry[1:]
    if found is None:
        key = DistributorKey.objects.select_related("distributor").get(
            prefix=prefix, revoked=False)
        user = api_user(key.distributor)
        user.get_all_permissions()  # the capabilities, kept on the user (hotline.backends)
        found = (key, user)
        if seconds:
            cache.set(entry_name, (generation, *found), seconds)
    key, user = found
    if key.revoked or not key.is_valid(raw):
        if counted is not None:
            ratecount.uncount(counted[1])  # a wrong key spends no one's rate
        raise DistributorKey.DoesNotExist("Key is not valid.")
    key.use_recorded, key.rate_count = recorded, counted
    return key, user


def key_cache_clear() -> None:
    """Make every cached key stale: now, and again when the transaction commits."""
    _generation_new()
    transaction.on_commit(_generation_new)


def _generation_start() -> str:
    cache.add(GENERATION, uuid.uuid4().hex, None)
    return cache.get(GENERATION)


def _generation_new() -> None:
    cache.set(GENERATION, uuid.uuid4().hex, None)


def _changed(sender, **kwargs):
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login", "last_used_at"}:
        return  # a login or a key's use: nothing a cached key depends on
    key_cache_clear()


def connect() -> None:
    """Clear the cached keys whenever what they hold may have changed."""
    User = get_user_model()
    for model in (DistributorKey, Distributor, Profile, User, Group):
        post_save.connect(_changed, sender=model, dispatch_uid=f"partners-key-cache-{model}")
        post_delete.connect(_changed, sender=model,
                            dispatch_uid=f"partners-key-cache-delete-{model}")
    for through in (User.groups.through, User.user_permissions.through,
                    Group.permissions.through):
        m2m_changed.connect(_changed, sender=through,
                            dispatch_uid=f"partners-key-cache-m2m-{through}")
