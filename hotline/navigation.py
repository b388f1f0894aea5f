"""Capability-aware navigation. Each app lists its entries in its AppConfig's `nav_items`.

An entry names a `group` (one of NAV_GROUPS): the top bar shows each group as one menu, so
it stays on one line whatever the role. A group the user sees one entry of is shown as that
entry's link; an entry without a group stands on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from hotline.capabilities import has_capability
from hotline.roles import user_roles

# Group key -> (label, order in the top bar).
NAV_GROUPS = {
    "cases": (_("Cases"), 20),
    "calls": (_("Calls"), 30),
    "logistics": (_("Logistics"), 40),
    "quality": (_("Quality"), 50),
    "admin": (_("Admin"), 90),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str  # the one its page checks, e.g. "calls.view_call_metrics"
    order: int = 50
    staff_only: bool = False
    group: str = ""  # a key of NAV_GROUPS; empty: a top-level link


def _visible(item: NavItem, user) -> bool:
    if item.staff_only:
        return user.is_staff
    return has_capability(user, item.capability)


def nav_for(user) -> list[dict]:
    """Return the entries this user may see, in order, with resolved URLs (one per URL)."""
    if not user.is_authenticated:
        return []
    items, seen = [], set()
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not _visible(item, user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            if url in seen:  # two entries for one page (e.g. by two capabilities)
                continue
            seen.add(url)
            items.append({"label": item.label, "url": url, "order": item.order,
                          "url_name": item.url_name, "group": item.group})
    return sorted(items, key=lambda entry: entry["order"])


def nav_menu(items: list[dict], path: str = "") -> list[dict]:
    """Return the top bar: groups (label, entries, current) and lone entries, in order."""
    menu, groups = [], {}
    for item in items:
        entry = item | {"current": item["url"] == path}
        key = item["group"] if item["group"] in NAV_GROUPS else ""
        if not key:
            menu.append({"key": item["url_name"], "label": item["label"], "order": item["order"],
                         "items": [entry], "current": entry["current"]})
            continue
        if key not in groups:
            label, order = NAV_GROUPS[key]
            groups[key] = {"key": key, "label": label, "order": order, "items": [],
                           "current": False}
            menu.append(groups[key])
        groups[key]["items"].append(entry)
        groups[key]["current"] |= entry["current"]
    return sorted(menu, key=lambda entry: entry["order"])


def context_processor(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = nav_for(user)
    return {"nav_items": items, "nav_menu": nav_menu(items, request.path),
            "user_roles": sorted(user_roles(user))}
