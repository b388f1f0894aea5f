"""The embedded default (SQLite, no services) serves a small team without "database is
locked": WAL, a busy timeout and immediate transactions, checked with parallel requests on a
real gunicorn (2 workers x 4 threads) over a SQLite file."""

from __future__ import annotations

import datetime
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.embedded import embedded_env, manage, served

TOKEN = "embedded-cti-token"
PARALLEL = 10


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("embedded")
    env = embedded_env(var_dir, CTI_TOKENS=TOKEN)
    manage(env, "migrate", "--noinput", "-v", "0")
    with served(env) as url:
        yield url, var_dir


def _post_events(url: str, bodies: list) -> list[httpx.Response]:
    def post(body):
        return httpx.post(f"{url}/api/v1/cti/events/", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {TOKEN}"})

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(post, bodies))


def _moment(seconds: int) -> str:
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    return (start + datetime.timedelta(seconds=seconds)).isoformat()


def test_the_embedded_database_runs_in_wal_mode(embedded):
    _url, var_dir = embedded

    with sqlite3.connect(var_dir / "hotline.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_ten_parallel_cti_events_of_ten_calls_are_all_accepted(embedded):
    url, _var_dir = embedded
    bodies = [{"event": "queued", "call_id": f"par-{n}", "at": _moment(n), "queue": "support",
               "event_id": f"par-{n}-queued"} for n in range(PARALLEL)]

    responses = _post_events(url, bodies)

    assert [r.status_code for r in responses] == [202] * PARALLEL
    assert all(r.json()["results"][0]["created"] for r in responses)


def test_ten_parallel_events_of_one_call_build_it_once(embedded):
    url, _var_dir = embedded
    kinds = ["queued", "answered", "held", "resumed", "ended"]
    bodies = [{"event": kinds[n % len(kinds)], "call_id": "one-call", "at": _moment(n * 5),
               "queue": "support", "agent": "Agent/1001", "event_id": f"one-{n}"}
              for n in range(PARALLEL)]

    responses = _post_events(url, bodies)

    assert [r.status_code for r in responses] == [202] * PARALLEL
    created = sum(r.json()["results"][0]["created"] for r in responses)
    assert created == PARALLEL  # ten distinct event ids, each stored once
