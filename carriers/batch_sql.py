"""The look-ups of a tracking batch: its shipments (locked), and its events already stored.

The ORM built the first for every webhook at a cost of ~1.5 ms of CPU (its subqueries
resolved and compiled each time) on the shared 2 vCPUs, against ~0.2 ms for the database to
run it; here the subscribers' `exists` expressions are compiled once, the rest are templates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

from django.db import connection
from django.db.models import OuterRef

from carriers.models import Shipment, TrackingEvent
from hotline.models import AuditEvent

# What judging an event reads and writes of its shipment (the rest is not loaded), in the
# model's order of fields (as `Model.from_db` takes the values of some of them).
LOOKUP_FIELDS = tuple(field.attname for field in Shipment._meta.concrete_fields
                      if field.attname in {"id", "tracking_number", "last_event_at",
                                           "updated_at", "ship_date", "status",
                                           "status_reason", "status_at"})


def shipments_locked(*, carrier: str, numbers: Sequence[str], keys: Sequence[str],
                     wanted: Mapping[str, Callable],
                     ids: int = 0) -> tuple[list[Shipment], list[int], list[int]]:
    """Return the carrier's shipments with these tracking numbers, by primary key, locked
    for the transaction (FOR UPDATE where the database has it), each with `_stored` and one
    attribute per `wanted` column: its subscriber's `exists(shipment)`. On PostgreSQL
    `_stored` lists the event keys among these already stored for it, and the statement
    also takes `ids` primary keys from the sequences of the events and of the audit events,
    returned beside the shipments; elsewhere `_stored` says whether one of the keys is
    stored, and no keys are taken (two empty lists)."""
    ops = connection.ops
    arrays = connection.vendor == "postgresql"
    shipment, event = Shipment._meta, TrackingEvent._meta
    table = ops.quote_name(shipment.db_table)
    column = functools.partial(_column, ops)
    selected = [f"{table}.{column(shipment, name)}" for name in LOOKUP_FIELDS]
    marks = ", ".join(["%s"] * len(keys))
    stored = (f"FROM {ops.quote_name(event.db_table)} AS e WHERE "
              f"e.{column(event, 'shipment')} = {table}.{column(shipment, 'id')} "
              f"AND e.{column(event, 'dedupe_key')} IN ({marks})")
    selected.append(f"ARRAY(SELECT e.{column(event, 'dedupe_key')} {stored}) AS _stored"
                    if arrays else f"EXISTS(SELECT 1 {stored}) AS _stored")
    params: list = list(keys)
    for name, exists in wanted.items():
        sql, extra = _exists_sql(exists, connection.vendor)
        selected.append(f"{sql} AS {ops.quote_name(name)}")
        params.extend(extra)
    taken = arrays and ids > 0
    if taken:
        # Evaluated once for the statement (an InitPlan), whatever the rows.
        for model, name in ((TrackingEvent, "_taken_events"), (AuditEvent, "_taken_audit")):
            selected.append(
                "(SELECT array_agg(nextval(q)) FROM generate_series(1, %s), "
                f"CAST(pg_get_serial_sequence(%s, %s) AS regclass) AS q) AS {name}")
            params.extend([ids, model._meta.db_table, model._meta.pk.column])
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (f"SELECT {', '.join(selected)} FROM {table} "
           f"WHERE {table}.{column(shipment, 'carrier')} = %s AND "
           f"{table}.{column(shipment, 'tracking_number')} IN "
           f"({', '.join(['%s'] * len(numbers))}) "
           f"ORDER BY {table}.{column(shipment, 'id')}{lock}")
    extras = ["_stored", *wanted]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, carrier, *numbers])
        rows = cursor.fetchall()
    # Instances built from the rows as the ORM would, through its compiler's converters
    # (SQLite's datetimes; as partners.snapshot and the search do), without a RawQuerySet's
    # mapping of columns, which cost more than the statement.
    compiler, converters = _converters(connection)
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    width = len(LOOKUP_FIELDS)
    shipments = []
    for row in rows:
        shipment = Shipment.from_db(connection.alias, LOOKUP_FIELDS, row[:width])
        for name, value in zip(extras, row[width:], strict=False):
            setattr(shipment, name, value)
        shipments.append(shipment)
    if not taken or not rows:
        return shipments, [], []
    # The keys taken, last in each row (the same on every row).
    return shipments, rows[0][-2] or [], rows[0][-1] or []  # (NULL: a key with no sequence)


def _converters(connection) -> tuple:
    """A compiler of the shipments and its converters for LOOKUP_FIELDS, the first columns of
    the look-up's rows (`compiler.get_converters`), once per database."""
    found = _CONVERTERS.get(connection.alias)
    if found is None:
        compiler = Shipment.objects.all().query.get_compiler(connection.alias)
        found = (compiler, compiler.get_converters(
            [Shipment._meta.get_field(name).get_col(Shipment._meta.db_table)
             for name in LOOKUP_FIELDS]))
        _CONVERTERS[connection.alias] = found
    return found


_CONVERTERS: dict[str, tuple] = {}


def events_stored(*, shipment_ids: Sequence[int], keys: Sequence[str]) -> set[tuple[int, str]]:
    """Return the (shipment id, event key) pairs already stored among these."""
    ops, event = connection.ops, TrackingEvent._meta
    shipment, key = _column(ops, event, "shipment"), _column(ops, event, "dedupe_key")
    sql = (f"SELECT {shipment}, {key} FROM {ops.quote_name(event.db_table)} "
           f"WHERE {shipment} IN ({', '.join(['%s'] * len(shipment_ids))}) "
           f"AND {key} IN ({', '.join(['%s'] * len(keys))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*shipment_ids, *keys])
        return {(pk, value) for pk, value in cursor.fetchall()}


def _column(ops, meta, name: str) -> str:
    return ops.quote_name(meta.get_field(name).column)


@functools.lru_cache(maxsize=64)
def _exists_sql(exists: Callable, vendor: str) -> tuple[str, tuple]:
    """Compile a subscriber's `exists(OuterRef("pk"))` against the shipments' table (its
    outer column reads `<table>.<id>`), once per function and database."""
    query = Shipment.objects.all().query
    query.get_initial_alias()
    expression = exists(OuterRef("pk")).resolve_expression(query, allow_joins=True)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    return sql, tuple(params)
