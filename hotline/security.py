"""Slowing down guessing: failed API and CTI tokens counted per address in the cache.

Logins are django-axes' (settings: AXES_*); this covers what axes does not see: a request
with a wrong `Authorization: Token ...` (or CTI bearer) fails authentication before DRF's
throttles run, so without this 50 random tokens get 50 quick 401s.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

log = logging.getLogger("hotline.security")
WINDOW_SECONDS = 600


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, address: str) -> str:
    return f"auth-failures:{scope}:{address}"


def auth_failures(scope: str, address: str) -> int:
    return cache.get(_key(scope, address), 0)


def auth_blocked(scope: str, request) -> bool:
    """Return whether this address failed too often in the window."""
    return auth_failures(scope, client_address(request)) >= settings.API_AUTH_FAILURE_LIMIT


def auth_failure_record(scope: str, request) -> int:
    """Count one failed authentication for the request's address; return the count."""
    key = _key(scope, client_address(request))
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    if count == settings.API_AUTH_FAILURE_LIMIT:
        log.warning("authentication failures: address blocked",
                    extra={"scope": scope, "address": client_address(request),
                           "failures": count, "minutes": WINDOW_SECONDS // 60})
    return count


def auth_failures_reset(scope: str, address: str) -> None:
    cache.delete(_key(scope, address))


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; an address that sent too many wrong tokens gets 429."""

    scope = "api-token"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith(self.keyword.lower() + " "):
            return None  # no token: another authentication (session) may apply
        if auth_blocked(self.scope, request):
            raise Throttled(wait=WINDOW_SECONDS,
                            detail="Too many failed authentications from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            auth_failure_record(self.scope, request)
            raise

    def authenticate_credentials(self, key):
        """DRF's check, reading the user's profile and distributor with the token (one
        query: the API's permissions and filters need them on every request)."""
        model = self.get_model()
        try:
            token = model.objects.select_related("user__hotline_profile__distributor").get(
                key=key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
