import pytest
from rest_framework.test import APIClient


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


@pytest.fixture
def key_client():
    """An API client that authenticates with an API key's secret."""
    def make(secret):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        return client
    return make


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a callable and the after-commit effects it queued (outbox tasks)."""
    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return runner
