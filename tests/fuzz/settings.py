"""Settings of the throwaway instance that `make fuzz-api` fuzzes: the project's own, with the
tables made straight from the models (replaying every migration on SQLite took most of the
run's time) and a fast password hasher for the demo users. Never used outside the fuzz run."""

from hotline.settings import *  # noqa: F403


class _NoMigrations(dict):
    """Every app is 'without migrations': `migrate --run-syncdb` creates its tables."""

    def __contains__(self, label):
        return True

    def __getitem__(self, label):
        return None


MIGRATION_MODULES = _NoMigrations()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
