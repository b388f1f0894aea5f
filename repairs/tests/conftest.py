import pytest


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a callable and the after-commit effects it queued (outbox tasks, notifications)."""
    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)
    return runner
