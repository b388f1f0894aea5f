"""Styled error pages: the console's 403, 404 and 500, and a plain page for customers.

The root URLconf names these as handler403/404/500. Under DEBUG Django shows its own
technical 404 page (which lists every URL) instead; `PublicErrorPagesMiddleware` keeps the
styled page on the customers' public paths (settings.HOTLINE_PUBLIC_PATHS) in every mode.
Under the API (`/api/`) the answer is JSON, as the schema says (`{"detail": ...}`), in every
mode: a program reads it, not a person.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# When even the styled page fails (the database is down, a template is broken): no menu, no
# translation, nothing that can fail again.
BARE_500 = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Server error · Hotline</title>"
    "<link rel='icon' href='/static/hotline/favicon.svg' type='image/svg+xml'></head>"
    "<body style='font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto'>"
    "<h1>Something went wrong</h1><p>The error has been logged. Try again in a moment, or "
    "go back to <a href='/'>your start page</a>.</p></body></html>")


API_PREFIX = "/api/"


def is_public_path(path: str) -> bool:
    """Return whether `path` is a customer's page (no console menu, no login)."""
    return any(path.startswith(prefix) for prefix in settings.HOTLINE_PUBLIC_PATHS)


def is_api_path(path: str) -> bool:
    """Return whether `path` is under the API, whose errors are JSON."""
    return path.startswith(API_PREFIX)


def _context(request, status: int, exception=None) -> dict:
    public = is_public_path(request.path)
    back_url = "/"
    if public:
        try:
            back_url = reverse(settings.HOTLINE_PUBLIC_HOME)
        except NoReverseMatch:
            back_url = ""
    message = ""
    # Only our own refusals carry a message meant for the reader (PermissionDenied("...")):
    # Django's resolver puts a dict of tried patterns in a Resolver404.
    # get_object_or_404's "No Quote matches the given query." is for developers, not readers.
    if (exception is not None and exception.args and isinstance(exception.args[0], str)
            and "matches the given query" not in exception.args[0]):
        message = exception.args[0]
    previous = request.META.get("HTTP_REFERER", "")
    if previous and not url_has_allowed_host_and_scheme(
            previous, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        previous = ""
    return {"status": status, "public": public, "back_url": back_url, "message": message,
            "previous_url": previous if previous != request.build_absolute_uri() else ""}


def _render(request, template: str, status: int, exception=None):
    return render(request, template, _context(request, status, exception), status=status)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "403.html", 403, exception)


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return _render(request, "404.html", 404, exception)


@requires_csrf_token
def server_error(request):
    if is_api_path(request.path):
        return JsonResponse({"detail": _("Server error: it has been logged.")}, status=500)
    try:
        return _render(request, "500.html", 500)
    except Exception:
        log.exception("the styled 500 page failed; serving the bare one")
        return HttpResponseServerError(BARE_500)


class PublicErrorPagesMiddleware:
    """Serve the styled 404 on customers' public paths (and JSON under the API) even under
    DEBUG.

    A bad or expired link (a quote, a tracking page) must never show Django's technical page,
    which lists the project's URLs. Outside DEBUG the handler404 already does this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404
                and (is_public_path(request.path) or is_api_path(request.path))
                and getattr(request, "resolver_match", None) is None):
            # No view ran: the path matched no URL and Django answered with its debug page.
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404) and is_public_path(request.path):
            return page_not_found(request, exception)
        return None
