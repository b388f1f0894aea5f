"""Shared set-up of the benchmarks: Django on a scratch database, progress bars, timing.

A benchmark runs on DATABASE_URL when it is set (it must name a scratch database: the
benchmark empties the tables it fills), else on a throw-away SQLite file.
"""

from __future__ import annotations

import http.client
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
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
        return process_cpu(pid)
    except OSError:
        return None


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` of this host (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
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


def serve(port: int) -> subprocess.Popen:
    """gunicorn with 2 workers on `port`, serving the project and the bench's floor views
    (bench/status_floor*.py); returns once it answers."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "status_floor_settings",
           "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "hotline.wsgi"], env=env, cwd=ROOT)
    for _ in range(150):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/floor/cases/none/")
            probe.getresponse().read()
            return server
        except (OSError, http.client.HTTPException):
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped: see its output above") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def drive(port: int, clients: int, seconds: float, send, *,
          none_sent: str = "no request was sent") -> dict:
    """`clients` threads, each on one keep-alive connection, call `send(connection)` (it sends
    one request and returns True, or returns False when there is nothing left to send) for
    `seconds`; every answer but 200 is counted as an error. Returns the throughput, the
    latencies' p50/p95/p99 (ms), the errors, and `short` when the work ran out early."""
    latencies: list[float] = []
    errors = []
    stop = time.perf_counter() + seconds
    started_all = time.perf_counter()

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            if not send(connection):
                break
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                errors.append((response.status, body[:200]))
            mine.append(time.perf_counter() - started)
        latencies.extend(mine)
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started_all
    if not latencies:
        raise SystemExit(none_sent)
    latencies.sort()

    def rank(share):
        return latencies[max(0, int(len(latencies) * share) - 1)] * 1000

    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": rank(0.95), "p99": rank(0.99), "errors": len(errors),
            "first_error": errors[0] if errors else None, "short": elapsed < seconds * 0.9}
