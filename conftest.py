"""Fixtures shared by every test of the project."""

import os

import pytest


def _django_order(item) -> int:
    """pytest-django's run order, as Django's: 0 database tests rolled back, 1 transactional
    tests (they empty the tables when they end), 2 tests without a database."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = bool(marker) and any(validate_django_db(marker)[:2])
    fixtures = getattr(item, "fixturenames", [])
    transactional = transactional or "transactional_db" in fixtures or "live_server" in fixtures
    if transactional:
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_collection_modifyitems(config, items):
    """Start the longest tests (marked `slow`: they load the whole demo) first in their group.

    Under xdist a long test sent last runs alone while the other workers sit idle; sent first,
    the short tests fill the other workers around it. Each stays in pytest-django's group
    (Django's order): a transactional test empties the tables when it ends (content types
    included), so it must not run before the tests rolled back. The sort is stable.
    """
    items.sort(key=lambda item: (_django_order(item), item.get_closest_marker("slow") is None))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases on PostgreSQL commit without waiting for the WAL flush.

    `synchronous_commit=off` (a session setting, nothing to configure on the server) keeps
    every guarantee the tests rely on (atomicity, isolation, locks) and only gives up
    durability across a server crash, which a throwaway test database does not need; the
    migrations and the `transaction=True` tests commit often, and each flush waited on the disk.
    """
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def service_missing(reason: str):
    """Skip locally with `reason`; in CI (CI=true) fail instead, so nothing passes unseen."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_and_sms(settings, tmp_path):
    # Users are made in most tests; the production password hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_BACKEND = "hotline.sms.LocmemSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from hotline.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox = []
    # Throttle counters live in the cache: each test starts with none (only the in-memory
    # cache: a Redis cache shares its database with the broker in the integration suite).
    from django.core.cache import cache

    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        cache.clear()


@pytest.fixture(autouse=True)
def _english_before_and_after():
    """Every test starts and ends in English: a test that leaves French active (a French
    request handled in-process, a notification rendered in the customer's language) must
    not change what the next test of the same worker reads."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def operator(db):
    from hotline.tests.factories import UserFactory

    return UserFactory(username="op", roles=["operator"])


@pytest.fixture
def supervisor(db):
    from hotline.tests.factories import UserFactory

    return UserFactory(username="sup", roles=["supervisor"])


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def catalogue(db):
    """Our own models (with variants and TACs) from fixtures/models.yaml."""
    from hotline.reference import catalogue_load_models_yaml

    catalogue_load_models_yaml()
