"""Capability-aware navigation. Each app lists its entries in its AppConfig's `nav_items`."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from hotline.capabilities import has_capability
from hotline.roles import user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str  # the one its page checks, e.g. "calls.view_call_metrics"
    order: int = 50
    staff_only: bool = False


def _visible(item: NavItem, user) -> bool:
    if item.staff_only:
        return user.is_staff
    return has_capability(user, item.capability)


def nav_for(user) -> list[dict]:
    """Return the entries this user may see, in order, with resolved URLs."""
    if not user.is_authenticated:
        return []
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not _visible(item, user):
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
