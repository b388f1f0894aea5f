"""Roles are Django groups. Each app says which permissions its roles need, in its AppConfig's
`role_permissions`; `roles_sync()` (run after every migrate) makes the groups match."""

from __future__ import annotations

from django.apps import apps

OPERATOR = "operator"
SUPERVISOR = "supervisor"
QA = "qa"
TECHNICIAN = "technician"
DISTRIBUTOR = "distributor"
SERVICE_POINT = "service_point"  # staff of an authorised repair shop (docs/repairs.md)
ROLES = [OPERATOR, SUPERVISOR, QA, TECHNICIAN, DISTRIBUTOR, SERVICE_POINT]


def role_permissions() -> dict[str, set[str]]:
    """Return role -> {'app_label.codename', ...}, gathered from every app's config."""
    wanted: dict[str, set[str]] = {role: set() for role in ROLES}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            wanted.setdefault(role, set()).update(perms)
    # A supervisor can do everything an operator can.
    wanted[SUPERVISOR] |= wanted[OPERATOR]
    return wanted


def roles_sync(*, app_config=None, **_kwargs) -> None:
    """Create the role groups and give each exactly its permissions.

    As a post_migrate receiver it acts only for the last installed app, when the permissions
    of every app exist.
    """
    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        found = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                found.append(permission)
        group.permissions.set(found)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_hotline_roles"):
        user._hotline_roles = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            user._hotline_roles |= set(ROLES)
    return user._hotline_roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
