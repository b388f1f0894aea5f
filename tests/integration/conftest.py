"""The integration suite: the real PostgreSQL, Redis and a Celery worker on 127.0.0.1.

Run by `make test-integration` (and .ci/run), which sets DATABASE_URL and CELERY_BROKER_URL.
Without them the tests skip with the reason locally and fail in CI.
"""

from pathlib import Path

import pytest
from django.conf import settings

from conftest import service_missing

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _needs_real_services():
    engine = settings.DATABASES["default"]["ENGINE"]
    if not engine.endswith("postgresql"):
        service_missing("integration tests need DATABASE_URL=postgres://... (make test-integration)")
    if not (settings.CELERY_BROKER_URL or "").startswith("redis"):
        service_missing("integration tests need CELERY_BROKER_URL=redis://... "
                        "(make test-integration)")
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {settings.CELERY_BROKER_URL} does not answer: {exc}")
