from rest_framework.permissions import BasePermission

from hotline.roles import DISTRIBUTOR, OPERATOR, SUPERVISOR, has_role


def distributor_of(user):
    """Return the distributor a user acts for, or None for staff."""
    profile = getattr(user, "hotline_profile", None)
    return profile.distributor if profile is not None else None


class IsStaffRole(BasePermission):
    """Operators and supervisors."""

    def has_permission(self, request, view):
        return has_role(request.user, OPERATOR, SUPERVISOR)


class IsDistributorOrStaff(BasePermission):
    """Distributor users (who see only their own) and hotline staff."""

    message = "Your account is neither hotline staff nor linked to a distributor."

    def has_permission(self, request, view):
        if has_role(request.user, OPERATOR, SUPERVISOR):
            return True
        return has_role(request.user, DISTRIBUTOR) and distributor_of(request.user) is not None
