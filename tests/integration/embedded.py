"""Start the project as `make run` would (embedded SQLite, no broker) in a subprocess, served by
gunicorn with several workers and threads, for tests that need real parallel requests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(var_dir: Path, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                          "CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"HOTLINE_VAR_DIR": str(var_dir), "DEBUG": "true", "LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout


@contextlib.contextmanager
def served(env: dict, *, workers: int = 2, threads: int = 4):
    """Yield the base URL of gunicorn serving the project with `env`; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "hotline.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "-k", "gthread", "--threads", str(threads), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: "
                                   + (process.stderr.read().decode()[-2000:] if process.stderr
                                      else ""))
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
