"""Statements written directly on hot paths, where the ORM's building of a statement costs
more CPU than the database's running it (a tracking webhook: ~0.5 ms per statement built on
the shared 2 vCPUs, docs/benchmarks.md). The values are those the ORM would send: each field
prepares its own."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router


def rows_insert(objs: Sequence, *, conflict: str | None = None,
                returning: str | None = None) -> list[tuple] | None:
    """INSERT the new model instances `objs` (all of one model) as `bulk_create` does, in as
    few statements as the database's limit on parameters allows (one for a webhook's rows),
    and set their primary keys (PostgreSQL and SQLite >= 3.35 return them in order, which
    the ORM's bulk_create relies on too).

    `conflict`: a unique column; a row whose value there is already stored is skipped (ON
    CONFLICT DO NOTHING) and only the rows inserted are returned, as (pk, `returning`
    column) pairs, the primary keys not set on the instances (a database that cannot return
    rows from an insert is not supported then)."""
    if not objs:
        return [] if conflict else None
    model = type(objs[0])
    # The connection itself, not django.db.connection's proxy (read for every value below).
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
        if conflict:
            raise NotImplementedError("rows_insert(conflict=...) needs INSERT ... RETURNING")
        model._default_manager.bulk_create(objs)
        return None
    meta, ops = model._meta, connection.ops
    columns = [field for field in meta.concrete_fields if not field.primary_key]
    # Within the backends' limits on bound parameters (SQLite's 999, PostgreSQL's 65,535).
    size = max(1, min(ops.bulk_batch_size(columns, objs), 30_000 // len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    insert = (f"INSERT INTO {ops.quote_name(meta.db_table)} "
              f"({', '.join(ops.quote_name(field.column) for field in columns)}) VALUES ")
    tail = f" RETURNING {ops.quote_name(meta.pk.column)}"
    if conflict:
        tail = (f" ON CONFLICT ({ops.quote_name(conflict)}) DO NOTHING{tail}, "
                f"{ops.quote_name(returning or meta.pk.column)}")
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start:start + size]
            params = [field.get_db_prep_save(field.pre_save(obj, True), connection)
                      for obj in chunk for field in columns]
            cursor.execute(insert + ", ".join([one] * len(chunk)) + tail, params)
            if conflict:
                inserted.extend(cursor.fetchall())
                continue
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias
    return inserted if conflict else None
