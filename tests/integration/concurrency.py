"""Run the same work from several threads at once, each on its own database connection."""

import threading

from django.db import connection


def run_concurrently(count, target):
    """Start `target(i)` in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected for the test's assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
