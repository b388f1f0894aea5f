"""Each API key's request count, kept in the cache as two fixed windows of the rate's length
(this one and the last): small counters, counted in one Redis round trip, which may also read
other entries (the key itself: partners.keycache) so that a request with a key costs one
round trip to the cache in all.

Django's cache API has no such round trip: with Redis this module sends one pipeline through
the backend's own client (its keys made and its values read as the backend does)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache


def rate_window(ident: str, *, now: float, duration: int) -> tuple[str, str, float]:
    """The names of this window's and the last window's counters, and how far into this
    window `now` is (seconds)."""
    window, into = divmod(now, duration)
    base = f"throttle_api_key_{ident}"
    return f"{base}:{int(window)}", f"{base}:{int(window) - 1}", into


def one_round_trip() -> bool:
    """Whether counting and reading share one round trip (the cache is Redis)."""
    return isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache)


def count(*, current: str, last: str, timeout: float,
          also: Sequence[str] = ()) -> tuple[dict, int, int]:
    """Count a request in `current`; return the entries `also` names that exist (as
    `cache.get_many`), and the counts of `last` and `current`."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        keys = [cache.make_and_validate_key(name) for name in (*also, last)]
        current_key = cache.make_and_validate_key(current)
        client = cache._cache.get_client(current_key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.mget(keys).incr(current_key).expire(current_key, int(timeout))
        values, counted, _expiry = pipe.execute()
        loads = cache._cache._serializer.loads
        found = {name: loads(value)
                 for name, value in zip(also, values[:-1], strict=True) if value is not None}
        return found, int(values[-1] or 0), int(counted)
    found = cache.get_many(list(also)) if also else {}
    cache.add(current, 0, timeout)
    try:
        counted = cache.incr(current)
    except ValueError:  # expired in between
        cache.set(current, 1, timeout)
        counted = 1
    return found, int(cache.get(last) or 0), counted


def uncount(current: str) -> None:
    """Take back a request counted in `current` (it was refused)."""
    try:
        caches[DEFAULT_CACHE_ALIAS].decr(current)
    except ValueError:
        pass
