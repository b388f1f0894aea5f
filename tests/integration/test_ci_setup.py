"""The test set-up itself (conftest.py): what makes the suites quicker must not change them."""

from django.db import connection


def test_the_test_database_commits_without_waiting_for_the_wal_flush(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")

        assert cursor.fetchone() == ("off",)
