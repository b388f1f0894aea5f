"""The name search's index also answers words of two letters (PostgreSQL).

A word of two letters has no trigram: beside a longer word ("Li Camille"), the trigram index
found the longer word's customers (20,490 Camilles at 1 M customers) and every one of their
rows was read to look for "LI" (10,632 heap pages, 20-50 ms). The index gets a second
column: the bigrams (every two adjacent characters) of the same expression, as an array,
`hotline_bigrams(...)`. The search asks it for the word's bigram (hotline.selectors._by_name),
and the one GIN scan intersects it with the other words' trigrams: "Yu Camille", 6 rows,
1.3 ms. A bigram in nearly every row (the domains' "LE" of "example") costs a few ms of that
scan instead of saving the rows.

One multicolumn index rather than a second index: with two, the planner ANDs their bitmaps
by its cost model, and it took the 390,873 entries of "MA" for "Ma Lucas" (17 ms) where a
single GIN scan skips through them. The statistics target of the trigram column is kept
(migration 0010). `hotline_bigrams` is built from functions of the core (immutable, inlined
by the planner): the pairs at even offsets, then those at odd offsets, split on U+0001
(a word with that character is not looked up by bigram). Extra elements (a last single
character, an empty string) only add keys nobody asks for. SQLite: nothing to do.
"""

from django.db import migrations

EXPRESSION = "UPPER(last_name || ' ' || first_name || ' ' || email)"
FUNCTION = r"""
CREATE OR REPLACE FUNCTION hotline_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT string_to_array(regexp_replace($1, '(..)', E'\\1\x01', 'g'), E'\x01')
       || string_to_array(regexp_replace(substr($1, 2), '(..)', E'\\1\x01', 'g'), E'\x01')
$$
"""


# Built CONCURRENTLY, the new index before the old one goes (the migration runs outside a
# transaction): at 1 M customers the build takes about half a minute, during which the
# customers stay writable and the search keeps its old index.


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_search_grams ON hotline_customer "
        f"USING gin (({EXPRESSION}) gin_trgm_ops, (hotline_bigrams({EXPRESSION})) array_ops) "
        f"WITH (fastupdate = off)")
    schema_editor.execute("ALTER INDEX customer_search_grams ALTER COLUMN 1 SET STATISTICS 1000")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS customer_search_trgm")
    schema_editor.execute("ANALYZE hotline_customer")


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_search_trgm ON hotline_customer "
        f"USING gin (({EXPRESSION}) gin_trgm_ops) WITH (fastupdate = off)")
    schema_editor.execute("ALTER INDEX customer_search_trgm ALTER COLUMN 1 SET STATISTICS 1000")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS customer_search_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS hotline_bigrams(text)")


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("hotline", "0012_redundant_indexes"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
