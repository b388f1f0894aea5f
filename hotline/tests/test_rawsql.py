"""hotline.rawsql: statements written directly on hot paths."""

import pytest
from django.db import connection

from hotline import rawsql
from hotline.models import OutboxMessage
from hotline.rawsql import Statements, rows_insert

pytestmark = pytest.mark.django_db


def test_psycopg_still_has_the_setting_that_keeps_long_statements_parsed():
    psycopg_queries = pytest.importorskip("psycopg._queries")

    assert psycopg_queries.MAX_CACHED_STATEMENT_LENGTH == rawsql.PSYCOPG_CACHED_TEXT
    assert psycopg_queries.MAX_CACHED_STATEMENT_PARAMS == rawsql.PSYCOPG_CACHED_VALUES


def _messages(*keys):
    return [OutboxMessage(task="t", kwargs={"n": key, "text": "it's 100%; \\ 'quoted'"},
                          idempotency_key=key) for key in keys]


def test_rows_are_inserted_with_their_keys_set_and_values_kept_as_written():
    messages = _messages("a", "b", "c")

    rows_insert(messages)

    assert all(message.pk for message in messages)
    stored = {m.idempotency_key: m for m in OutboxMessage.objects.all()}
    assert [stored[key].pk for key in "abc"] == [m.pk for m in messages]
    assert stored["b"].kwargs == {"n": "b", "text": "it's 100%; \\ 'quoted'"}


def test_held_statements_run_together_and_the_last_ones_rows_come_back(
        django_assert_num_queries):
    statements = Statements(OutboxMessage)
    keyed = _messages("k1", "k2")
    with connection.cursor() as cursor:  # primary keys taken beforehand, as a look-up does
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM hotline_outboxmessage")
        top = cursor.fetchone()[0]
    for n, message in enumerate(keyed, start=top + 1000):
        message.pk = n

    # On PostgreSQL: nothing is sent until a statement must answer (one text); elsewhere each
    # statement runs as it is added.
    with django_assert_num_queries(1 if statements.held else 3):
        statements.insert(keyed)
        statements.add("UPDATE hotline_outboxmessage SET attempts = 7 WHERE id = %s",
                       [keyed[0].pk])
        rows = statements.insert(_messages("k1", "k3"), conflict="idempotency_key",
                                 returning="idempotency_key")

    assert [key for _pk, key in rows] == ["k3"]  # k1 was written by the first statement
    assert OutboxMessage.objects.get(idempotency_key="k1").attempts == 7
    assert OutboxMessage.objects.count() == 3


def test_a_failing_statement_among_held_ones_fails_them_all():
    from django.db import IntegrityError, transaction

    statements = Statements(OutboxMessage)
    message = _messages("dup")[0]
    message.pk = 10**9
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.insert([message])
        twin = _messages("dup")[0]
        twin.pk = 10**9 + 1
        statements.insert([twin])  # the same unique key
        statements.run()

    assert not OutboxMessage.objects.filter(idempotency_key="dup").exists()
