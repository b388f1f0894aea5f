import pytest


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a callable and the after-commit effects it queued (the outbox, the hooks)."""
    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return runner


@pytest.fixture
def qa(db):
    from hotline.tests.factories import UserFactory

    return UserFactory(username="qa1", roles=["qa"], email="qa1@hotline.example")


@pytest.fixture
def qa_client(client, qa):
    client.force_login(qa)
    return client
