"""An index for the console's search by name or e-mail on SQLite, where pg_trgm does not exist.

SQLite cannot answer `LIKE '%word%'` from a B-tree index, so the search scanned every
customer. An FTS5 table with the trigram tokenizer (SQLite >= 3.34) indexes every three-letter
piece of the names and e-mail; the search asks it for candidate rows and then applies the same
`icontains` filter as before, so the results do not change. Triggers keep it in step with
`hotline_customer` on every insert, update and delete. On PostgreSQL this migration does
nothing (migration 0004 made the trigram indexes there).
"""

from django.db import migrations

TABLE = "hotline_customer_search"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    columns = "last_name, first_name, email"
    new = "new.last_name, new.first_name, new.email"
    old = "old.last_name, old.first_name, old.email"
    for statement in [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, content='hotline_customer', "
        f"content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON hotline_customer BEGIN "
        f"INSERT INTO {TABLE}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON hotline_customer BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {columns} ON hotline_customer BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {TABLE}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
    ]:
        schema_editor.execute(statement)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{trigger}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0005_auditevent_object_id_longer"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
