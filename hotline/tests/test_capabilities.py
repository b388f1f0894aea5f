"""Roles grant capabilities in one place; the console and the API check the same ones."""

import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from hotline.roles import ROLES, role_capabilities
from hotline.tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _capability(callback) -> str | None:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return getattr(view_class, "capability", None)
    return getattr(callback, "capability", None)


def _guarded_pages() -> dict[str, dict[str, list[str]]]:
    """Return capability -> {"console": [paths], "api": [paths]} for pages without parameters."""
    found: dict[str, dict[str, list[str]]] = {}
    for route, entry in _patterns():
        capability = _capability(entry.callback)
        if capability is None or "<" in route or entry.pattern.regex.groups:
            continue
        kind = "api" if route.startswith("api/") else "console"
        found.setdefault(capability, {"console": [], "api": []})[kind].append("/" + route)
    return found


def test_no_app_grants_role_permissions_of_its_own():
    assert [config.label for config in apps.get_app_configs()
            if hasattr(config, "role_permissions")] == []


def test_every_capability_a_role_grants_exists_after_migrate(db):
    from django.contrib.auth.models import Permission

    known = {f"{app}.{code}" for app, code in
             Permission.objects.values_list("content_type__app_label", "codename")}
    installed = {config.label for config in apps.get_app_configs()}

    for role, capabilities in role_capabilities().items():
        missing = {c for c in capabilities if c.split(".")[0] in installed} - known
        assert missing == set(), role


def test_every_role_has_a_translated_label():
    from django.utils import translation

    with translation.override("fr"):
        labels = {name: str(role.label) for name, role in ROLES.items()}

    assert labels["operator"] == "Opérateur"
    assert all(labels.values())


@pytest.mark.django_db
def test_the_console_and_the_api_agree_for_every_capability(client):
    pages = {capability: kinds for capability, kinds in _guarded_pages().items()
             if kinds["console"] and kinds["api"]}
    assert "calls.view_call_metrics" in pages  # the wallboard page and its API

    for role in ROLES:
        user = UserFactory(username=f"agree-{role}", roles=[role])
        client.force_login(user)
        for capability, kinds in pages.items():
            allowed = user.has_perm(capability)
            for path in kinds["console"] + kinds["api"]:
                status = client.get(path).status_code
                assert (status != 403) == allowed, (role, capability, path, status)


def test_every_project_app_is_in_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    ours = {app.name for app in apps.get_app_configs() if (ROOT / app.name).is_dir()}

    assert ours <= set(config["root_packages"])


def test_a_refused_page_says_why_in_the_console_layout(operator_client):
    response = operator_client.get("/calls/wallboard/")

    assert response.status_code == 403
    assert 'data-testid="error-page" data-status="403"' in response.text
    assert "Your role does not give access to this page." in response.text
