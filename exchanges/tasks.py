"""Celery tasks of exchanges. Celery discovers `<app>.tasks` only: the features' task modules
are imported here so that their tasks are registered (their names stay `exchanges.tasks.*`)."""

from exchanges.quotes import tasks as quote_tasks  # noqa: F401 (registers the tasks)
from exchanges.swaps import tasks as swap_tasks  # noqa: F401 (registers the tasks)
