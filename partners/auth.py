"""How distributors' API keys authenticate, what each scope allows, and the per-key rate.

`Authorization: Api-Key <prefix>.<secret>`: the key acts as its distributor's API user (so
every existing permission and scope rule applies, and audit trails say which distributor
acted); the key, its distributor and that user come from the cache (partners.keycache).
Scopes: reading needs `read_status`, writing `open_cases`, and the webhook endpoints
`manage_webhooks`. Each key is throttled (PARTNERS_API_RATE, through the cache: Redis in
production) with 429 and Retry-After.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle
from rest_framework_api_key.permissions import KeyParser

from partners import ratecount
from partners.keycache import key_identity
from partners.models import DistributorKey, Scope
from partners.ratecount import rate_window
from partners.services.keys import key_used

WEBHOOK_ROUTES = "partners-api-webhook"


class DistributorKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        raw = KeyParser().get(request)
        if not raw:
            return None
        try:
            key, user = key_identity(raw, rate_seconds=KeyRateThrottle().duration)
        except DistributorKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key.")) from None
        if key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        scope = required_scope(request)
        if not key.has_scope(scope):
            raise exceptions.PermissionDenied(
                _("This API key lacks the scope %(scope)s.") % {"scope": scope})
        key_used(key=key)
        return user, key

    def authenticate_header(self, request):
        return self.keyword


def required_scope(request) -> str:
    match = getattr(request._request, "resolver_match", None) if hasattr(request, "_request") \
        else getattr(request, "resolver_match", None)
    if match is not None and (match.url_name or "").startswith(WEBHOOK_ROUTES):
        return Scope.MANAGE_WEBHOOKS
    return Scope.READ_STATUS if request.method in SAFE_METHODS else Scope.OPEN_CASES


class KeyRateThrottle(SimpleRateThrottle):
    """A rate per API key (its prefix); users and tokens are not throttled here.

    Counted in two fixed windows of the rate's length (this one and the last, the last
    weighted by how much of it the sliding window still covers): two small counters in the
    cache, one Redis round trip a request. DRF's throttle keeps every request's time in one
    list, read and written whole at every request: at a key's full rate that list costs more
    than the rest of a status request (issue 18)."""

    scope = "api_key"

    def get_rate(self):
        return settings.PARTNERS_API_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, DistributorKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
        return None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        counted = getattr(request.auth, "rate_count", None)  # by the key's own round trip
        if counted is None or counted[0] != self.duration:
            now = self.timer()
            current, last, into = rate_window(request.auth.prefix, now=now,
                                              duration=self.duration)
            _found, before, count = ratecount.count(current=current, last=last,
                                                    timeout=2 * self.duration)
        else:
            _duration, current, into, before, count = counted
        share = 1 - into / self.duration  # of the last window, still in the sliding one
        if before * share + count <= self.num_requests:
            return True
        ratecount.uncount(current)  # a refused request is not counted
        # Until enough of the last window has slid out, else until this window ends.
        excess = before * share + count - self.num_requests
        self.wait_seconds = excess / before * self.duration \
            if before and count <= self.num_requests else self.duration - into
        return False

    def wait(self):
        return max(1.0, self.wait_seconds)


class UserExceptKeyRateThrottle(UserRateThrottle):
    """DRF's rate per user (API_RATE_USER), except for API keys: every key of a distributor
    acts as the same API user, and each key has its own rate (KeyRateThrottle)."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, DistributorKey):
            return None
        return super().get_cache_key(request, view)


class DistributorKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.auth.DistributorKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": _("`Api-Key <prefix>.<secret>`, created on the partner page.")}
