"""A harmless task the tests send through the outbox to check the worker pipeline (kept out of
production code: importing this module registers it)."""

from celery import shared_task

from hotline.models import Case
from hotline.workflow import record_event


@shared_task(name="tests.touch_case", ignore_result=True)
def touch_case(*, case_id: int, note: str) -> None:
    """Record that a worker saw the case."""
    case = Case.objects.get(pk=case_id)
    record_event(case, action="worker_check", actor_label="worker", reason=note)
