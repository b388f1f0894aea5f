"""Celery tasks of exchanges. Celery discovers `<app>.tasks` only: the features' task modules
are imported here so that their tasks are registered (their names stay `exchanges.tasks.*`)."""

from celery import shared_task

from exchanges.quotes import tasks as quote_tasks  # noqa: F401 (registers the tasks)
from exchanges.swaps import tasks as swap_tasks  # noqa: F401 (registers the tasks)


@shared_task(name="exchanges.tasks.cases_close", ignore_result=True)
def cases_close() -> int:
    """Close the settled cases whose follow-up window is over."""
    from hotline.services import case_close_due

    return case_close_due()
