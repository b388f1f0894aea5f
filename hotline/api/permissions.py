"""API permissions: the same capabilities as the console (hotline.capabilities)."""

from rest_framework.permissions import BasePermission

from hotline.capabilities import FOLLOW_DISTRIBUTOR_CASES, WORK_CASES, has_capability


def distributor_of(user):
    """Return the distributor a user acts for, or None for staff."""
    profile = getattr(user, "hotline_profile", None)
    return profile.distributor if profile is not None else None


class HasCapability(BasePermission):
    """Allow users with the view's `capability` (a permission, as the console checks it)."""

    message = "Your role does not give this capability."

    def has_permission(self, request, view):
        return has_capability(request.user, view.capability)


class IsDistributorOrStaff(BasePermission):
    """Distributor users (who see only their own) and hotline staff."""

    message = "Your account is neither hotline staff nor linked to a distributor."

    def has_permission(self, request, view):
        if has_capability(request.user, WORK_CASES):
            return True
        return (has_capability(request.user, FOLLOW_DISTRIBUTOR_CASES)
                and distributor_of(request.user) is not None)
