"""The one HTTP helper every outbound adapter uses (couriers, payment providers, webhook
senders): timeouts, and bounded retries with backoff for transient failures only (timeouts,
connection errors, 5xx, 429 honouring Retry-After).

Anything else (400, 401, 404...) is permanent: it is reported at once with the remote API's
own message, extracted by the adapter's `describe_error`, as the adapter's own error class
(`error(message, permanent=..., status_code=..., details=...)`).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable

import httpx

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def _default_describe(response: httpx.Response) -> tuple[str, list[str]]:
    return f"HTTP {response.status_code}: {response.text[:300]}", []


class RemoteError(Exception):
    """A failed call to a remote API; `permanent` tells whether a retry could help.

    HttpClient sets `failure` on what it raises (whatever the adapter's error class):
    "timeout", "unreachable" (no connection) or "status" (an answer outside `ok`).
    """

    def __init__(self, message: str, *, permanent: bool, status_code: int | None = None,
                 details: list[str] | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.status_code = status_code
        self.details = details or []


class HttpClient:
    """A small wrapper around httpx.Client for one remote API."""

    def __init__(
        self, *, base_url: str, service: str, error: Callable[..., Exception] = RemoteError,
        auth: httpx.Auth | tuple | None = None,
        headers: dict | None = None, timeout: float = 10.0, retries: int = 3,
        backoff: float = 0.5, max_wait: float = 30.0,
        describe_error: Callable[[httpx.Response], tuple[str, list[str]]] = _default_describe,
        sleep: Callable[[float], None] = time.sleep,
        request_headers: Callable[[], dict] | None = None,
    ):
        self.service = service
        self.error = error
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.max_wait = max_wait
        self.describe_error = describe_error
        self.sleep = sleep
        self.request_headers = request_headers
        self.client = httpx.Client(base_url=base_url.rstrip("/"), auth=auth, headers=headers,
                                   timeout=httpx.Timeout(timeout))

    def request(self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201),
                retry_ambiguous: bool = True, **kwargs) -> httpx.Response:
        """Send the request; retry what is transient; return a response whose status is in
        `ok`, or raise the adapter's error.

        `retry_ambiguous=False` is for a request that is not idempotent (creating a
        shipment): a failure after which the remote side may have acted (a read timeout, a 5xx)
        is raised at once, for the caller to find out what happened before trying again; only
        failures that prove nothing was done (429, no connection) are retried here."""
        attempt = 0
        while True:
            attempt += 1
            if self.request_headers is not None:  # e.g. a fresh id for each attempt
                kwargs["headers"] = {**kwargs.get("headers", {}), **self.request_headers()}
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.TimeoutException as exc:
                problem, wait = f"{self.service} timed out ({type(exc).__name__})", None
                failure = "timeout"
                if not retry_ambiguous and not isinstance(exc, httpx.ConnectTimeout):
                    raise _with_failure(self.error(problem, permanent=False), failure) from None
            except httpx.TransportError as exc:
                problem, wait = f"{self.service} unreachable ({type(exc).__name__}: {exc})", None
                failure = "unreachable"
                if not retry_ambiguous and not isinstance(exc, httpx.ConnectError):
                    raise _with_failure(self.error(problem, permanent=False), failure) from None
            else:
                failure = "status"
                if response.status_code in ok:
                    return response
                message, details = self.describe_error(response)
                if response.status_code not in TRANSIENT_STATUSES:
                    log.warning("remote request refused", extra={
                        "service": self.service, "method": method, "path": path,
                        "status": response.status_code, "detail": message})
                    raise _with_failure(self.error(
                        message, permanent=True, status_code=response.status_code,
                        details=details), failure)
                problem = message
                wait = _retry_after(response) if response.status_code == 429 else None
                if not retry_ambiguous and response.status_code != 429:
                    raise _with_failure(self.error(
                        problem, permanent=False, status_code=response.status_code,
                        details=details), failure)
                if attempt > self.retries:
                    raise _with_failure(self.error(
                        f"{problem} (gave up after {attempt} attempts)", permanent=False,
                        status_code=response.status_code, details=details), failure)
            if attempt > self.retries:
                raise _with_failure(self.error(
                    f"{problem} (gave up after {attempt} attempts)", permanent=False), failure)
            delay = min(self.max_wait, wait if wait is not None
                        else self.backoff * 2 ** (attempt - 1))
            log.info("remote request retried", extra={
                "service": self.service, "method": method, "path": path, "attempt": attempt,
                "delay": round(delay, 3), "problem": problem})
            self.sleep(delay)

    def close(self) -> None:
        self.client.close()


def _with_failure(error: Exception, failure: str) -> Exception:
    error.failure = failure
    return error


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
