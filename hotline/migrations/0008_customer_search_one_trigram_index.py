"""One trigram index for the name search on PostgreSQL: names and e-mail in one expression.

Each word of a search must be in the last name, the first name or the e-mail. With an index
per column, every word was three GIN scans OR-ed together and every candidate row rechecked
three times; a word has no space in it, so it is in one of the three columns exactly when it
is in the three joined by spaces, and one GIN scan per word answers it (hotline.selectors).
Written directly (no pending list), as the others (0007). SQLite: nothing to do.
"""

from django.db import migrations

EXPRESSION = "UPPER(last_name || ' ' || first_name || ' ' || email)"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS customer_search_trgm ON hotline_customer "
        f"USING gin (({EXPRESSION}) gin_trgm_ops) WITH (fastupdate = off)")


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0007_customer_trigram_no_pending_list"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
