"""Capabilities: what a user may do, as Django permissions ("app_label.codename").

Console views use `capability_required`, API views `hotline.api.permissions.HasCapability`
with a `capability` attribute, navigation entries and panels `has_capability`: all read the
same permission, which roles grant in one place (hotline.roles.ROLES). Superusers have every
capability.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

# The hotline app's own capabilities (Case Meta.permissions).
WORK_CASES = "hotline.work_cases"  # customers, handsets and cases: console and API
FOLLOW_DISTRIBUTOR_CASES = "hotline.follow_distributor_cases"  # a distributor's API user
VIEW_API_DOCS = "hotline.view_api_docs"
OVERRIDE_DECISION = "hotline.override_decision"
CANCEL_IN_SERVICE = "hotline.cancel_in_service"
UNLOCK_LOGINS = "axes.delete_accessattempt"  # lift django-axes login lockouts (supervisors)


def has_capability(user, capability: str) -> bool:
    """Return whether `user` (an active, signed-in user) has `capability`."""
    return bool(user is not None and user.is_authenticated and user.has_perm(capability))


def capability_required(capability: str):
    """Allow only signed-in users with `capability`; others get 403 (anonymous: the login)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_capability(request.user, capability):
                raise PermissionDenied(_("Your role does not give access to this page."))
            return view(request, *args, **kwargs)

        wrapped.capability = capability
        return wrapped

    return decorator

