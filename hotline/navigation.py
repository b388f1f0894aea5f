"""Role-aware navigation. Each app lists its entries in its AppConfig's `nav_items`."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from hotline.roles import user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int = 50
    staff_only: bool = False


def nav_for(user) -> list[dict]:
    """Return the entries this user may see, in order, with resolved URLs."""
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if item.staff_only and not user.is_staff:
                continue
            if not item.staff_only and not (roles & set(item.roles)):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "order": item.order,
                          "url_name": item.url_name})
    return sorted(items, key=lambda entry: entry["order"])


def context_processor(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": nav_for(user), "user_roles": sorted(user_roles(user))}
