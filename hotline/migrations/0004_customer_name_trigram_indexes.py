"""Trigram indexes for the console's search by name or e-mail, on PostgreSQL only.

The search filters with `icontains`, which Django writes as UPPER(column::text) LIKE
UPPER('%word%'): a GIN trigram index on that same expression answers it without scanning
every customer. SQLite has no pg_trgm: there the migration does nothing.
"""

from django.db import migrations

COLUMNS = ["last_name", "first_name", "email"]


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{column}_trgm ON hotline_customer "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)")


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{column}_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0003_capabilities"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
