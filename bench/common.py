"""Shared set-up of the benchmarks: Django on a scratch database, progress bars, timing.

A benchmark runs on DATABASE_URL when it is set (it must name a scratch database: the
benchmark empties the tables it fills), else on a throw-away SQLite file.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    """Configure Django on the scratch database and migrate it."""
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="hotline-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("HOTLINE_VAR_DIR", tempfile.mkdtemp(prefix="hotline-bench-var-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    return (f"{platform.python_implementation()} {platform.python_version()}, "
            f"{connection.vendor} {version}, {os.cpu_count()} CPUs, load {load:.1f}")


def empty(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")


def progress(total: int, desc: str, unit: str = "it"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr,
                mininterval=0.5)


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (on the same host:
    /proc), so that a shared machine's load does not hide what the database did; None on
    SQLite or when the server is elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall and CPU seconds of a block (the machine may be shared: both are printed), and
    the CPU seconds of the database backend on PostgreSQL (`db`, None elsewhere)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.db = backend_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        if self.db is not None:
            self.db = backend_cpu() - self.db


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
