"""Make what the fuzz instance's tables lack: `migrate --run-syncdb` builds tables from the
models and runs no migration, so the SQLite search index of migration
hotline/0006_customer_search_fts_sqlite (an FTS5 table and its triggers) is made here, by
that migration's own code (run by tests/fuzz/api_fuzz.sh before load_demo)."""

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.fuzz.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

search = importlib.import_module("hotline.migrations.0006_customer_search_fts_sqlite")
with connection.schema_editor() as editor:
    search._create(None, editor)
print(f"fuzz-api: {search.TABLE} made")
