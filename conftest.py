"""Fixtures shared by every test of the project."""

import os

import pytest


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
