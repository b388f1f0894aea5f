from celery import shared_task
from django.conf import settings

from calls.ingest import calls_close_stale as close
from calls.rollup import rollup_refresh


@shared_task(name="calls.tasks.calls_close_stale", ignore_result=True)
def calls_close_stale() -> int:
    """Close as lost the calls whose exit event never came (run by beat every 10 minutes)."""
    return close(waiting_hours=settings.CALLS_STALE_WAITING_HOURS,
                 connected_hours=settings.CALLS_STALE_CONNECTED_HOURS)


@shared_task(name="calls.tasks.calls_rollup_refresh", ignore_result=True)
def calls_rollup_refresh() -> int:
    """Bring the service-level roll-up up to date with the calls that changed (run by beat
    every minute, so that a report seldom has anything left to refresh; see calls.rollup)."""
    return rollup_refresh()
