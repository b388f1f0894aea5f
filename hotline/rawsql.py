"""Statements written directly on hot paths, where the ORM's building of a statement costs
more CPU than the database's running it (a tracking webhook: ~0.5 ms per statement built on
the shared 2 vCPUs, docs/benchmarks.md). The values are those the ORM would send: each field
prepares its own."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router

try:
    from psycopg import _queries as _psycopg_queries
except ImportError:  # SQLite only
    _psycopg_queries = None

# psycopg keeps the parsed form of a statement's text (where its %s are) only for texts under
# 4,096 characters and 50 values; a tracking batch's writes (one text of ~110 values, the
# same for every webhook of the same shape) were parsed anew each time: a tenth of a
# webhook's CPU. Kept up to 16 kB and 512 values (psycopg keeps 128 texts at most). A private
# setting of the pinned psycopg: hotline/tests/test_rawsql.py fails if it goes away.
PSYCOPG_CACHED_TEXT, PSYCOPG_CACHED_VALUES = 16_384, 512
if _psycopg_queries is not None:
    _psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = PSYCOPG_CACHED_TEXT
    _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_VALUES


def rows_insert(objs: Sequence, *, conflict: str | None = None,
                returning: str | None = None) -> list[tuple] | None:
    """INSERT the new model instances `objs` (all of one model) as `bulk_create` does, in as
    few statements as the database's limit on parameters allows (one for a webhook's rows),
    and set their primary keys (PostgreSQL and SQLite >= 3.35 return them in order, which
    the ORM's bulk_create relies on too). Instances whose primary key is already set (taken
    from its sequence beforehand) are written with it.

    `conflict`: a unique column; a row whose value there is already stored is skipped (ON
    CONFLICT DO NOTHING) and only the rows inserted are returned, as (pk, `returning`
    column) pairs, the primary keys not set on the instances (a database that cannot return
    rows from an insert is not supported then)."""
    if not objs:
        return [] if conflict else None
    return Statements(type(objs[0])).insert(objs, conflict=conflict, returning=returning)


class Statements:
    """Write statements for one model's database, sent together where the database allows:
    on PostgreSQL (whose cursors bind values on the client) the statements added are held and
    sent as one text, in one round trip, when `run()` is called or a statement must answer
    at once (an INSERT of rows whose primary keys are not set yet); elsewhere each is run as
    it is added. A failing statement fails the whole text, and the transaction, as alone.
    (psycopg's pipeline mode, tried instead, cost more CPU than the one text.)"""

    def __init__(self, model):
        # The connection itself, not django.db.connection's proxy (read for every value).
        self.connection = connections[router.db_for_write(model)]
        self.held = self.connection.vendor == "postgresql"
        self.pending: list[tuple[str, list]] = []

    def add(self, sql: str, params: Sequence = ()) -> None:
        """Run `sql` (now, or with the next round trip)."""
        self.pending.append((sql, list(params)))
        if not self.held:
            self.run()

    def run(self) -> list[tuple] | None:
        """Send the statements held; return the rows of the last one (None if it has none)."""
        pending, self.pending = self.pending, []
        if not pending:
            return None
        rows = None
        with self.connection.cursor() as cursor:
            if len(pending) == 1 or not self.held:
                for sql, params in pending:
                    cursor.execute(sql, params)
            else:
                cursor.execute(";\n".join(sql for sql, _params in pending),
                               [value for _sql, params in pending for value in params])
                while cursor.nextset():  # on to the last statement's result
                    pass
            if cursor.description is not None:
                rows = cursor.fetchall()
        return rows

    def insert(self, objs: Sequence, *, conflict: str | None = None,
               returning: str | None = None) -> list[tuple] | None:
        """Add the INSERT of `objs` (see `rows_insert`). Rows with their primary keys set are
        held with the rest; otherwise (or with `conflict`) the statements are sent now, and
        the keys set from what the database returns."""
        if not objs:
            return [] if conflict else None
        model, connection = type(objs[0]), self.connection
        if not connection.features.can_return_rows_from_bulk_insert:
            if conflict:
                raise NotImplementedError("rows_insert(conflict=...) needs INSERT ... RETURNING")
            self.run()
            model._default_manager.bulk_create(objs)
            return None
        meta, ops = model._meta, connection.ops
        keyed = all(obj.pk is not None for obj in objs) and not conflict
        columns = [field for field in meta.concrete_fields if keyed or not field.primary_key]
        # Within the backends' limits on bound parameters (SQLite's 999, PostgreSQL's 65,535).
        size = max(1, min(ops.bulk_batch_size(columns, objs), 30_000 // len(columns)))
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        insert = (f"INSERT INTO {ops.quote_name(meta.db_table)} "
                  f"({', '.join(ops.quote_name(field.column) for field in columns)}) VALUES ")
        tail = "" if keyed else f" RETURNING {ops.quote_name(meta.pk.column)}"
        if conflict:
            tail = (f" ON CONFLICT ({ops.quote_name(conflict)}) DO NOTHING{tail}, "
                    f"{ops.quote_name(returning or meta.pk.column)}")
        inserted = []
        for start in range(0, len(objs), size):
            chunk = objs[start:start + size]
            params = [field.get_db_prep_save(field.pre_save(obj, True), connection)
                      for obj in chunk for field in columns]
            self.pending.append((insert + ", ".join([one] * len(chunk)) + tail, params))
            if keyed:
                for obj in chunk:
                    obj._state.adding, obj._state.db = False, connection.alias
                continue
            rows = self.run()
            if conflict:
                inserted.extend(rows)
                continue
            for obj, (pk,) in zip(chunk, rows, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias
        if not self.held:
            self.run()
        return inserted if conflict else None
