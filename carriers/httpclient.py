"""The couriers' HTTP helper: `hotline.httpclient.HttpClient` raising CarrierError."""

from __future__ import annotations

from carriers.domain import CarrierError
from hotline.httpclient import TRANSIENT_STATUSES
from hotline.httpclient import HttpClient as _HttpClient

__all__ = ["TRANSIENT_STATUSES", "HttpClient"]


class HttpClient(_HttpClient):
    """One courier API: timeouts, bounded retries of transient failures, CarrierError."""

    def __init__(self, *, carrier: str, **kwargs):
        super().__init__(service=carrier, error=CarrierError, **kwargs)
        self.carrier = carrier
