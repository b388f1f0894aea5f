"""Operations shared by migrations (kept stable: applied migrations import them)."""

from django.db import migrations


def indexes_drop(indexes) -> migrations.RunPython:
    """Drop the indexes given as (table, name, columns) by name, on every database (DROP INDEX,
    not AlterField's rebuild: on PostgreSQL that drops and validates again a foreign key, a
    scan of the whole table under lock); the reverse builds them again (an index with
    `varchar_pattern_ops`, PostgreSQL's alone, only there). For a migration's
    `database_operations` beside the AlterFields of its `state_operations`."""

    def drop(apps, schema_editor):
        for _table, name, _columns in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def restore(apps, schema_editor):
        postgresql = schema_editor.connection.vendor == "postgresql"
        for table, name, columns in indexes:
            if "varchar_pattern_ops" in columns and not postgresql:
                continue
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')

    return migrations.RunPython(drop, restore)
