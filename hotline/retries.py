"""How long a Celery task waits before it tries again: one rule for every task that retries.

The delay doubles with each retry, from CELERY_RETRY_BASE_SECONDS up to
CELERY_RETRY_MAX_SECONDS (settings read when a task retries, never at import time)."""

from __future__ import annotations

from django.conf import settings

# 2 ** 16 times any base is already far beyond any cap: stop doubling there.
_MAX_DOUBLINGS = 16


def retry_countdown(retries: int) -> float:
    """Return the seconds to wait before retry number `retries` + 1 (0 for the first)."""
    base = float(settings.CELERY_RETRY_BASE_SECONDS)
    cap = float(settings.CELERY_RETRY_MAX_SECONDS)
    return min(cap, base * 2 ** min(max(retries, 0), _MAX_DOUBLINGS))


def retry_later(task, exc: BaseException, *, kwargs: dict | None = None):
    """Return the task's Retry exception (to raise) with the backoff countdown; `kwargs`:
    the arguments of the retry when they are not the task's own (what is left to do)."""
    options = {"kwargs": kwargs} if kwargs is not None else {}
    return task.retry(exc=exc, countdown=retry_countdown(task.request.retries), **options)
