import datetime

import httpx
from celery import shared_task
from django.utils import timezone

from hotline.retries import retry_later
from quality.notify import alert_notify as notify
from quality.report import report_send
from quality.warning import alerts_scan


@shared_task(name="quality.tasks.weekly_scan", ignore_result=True)
def weekly_scan() -> int:
    """Run the early-warning scan for the week that just ended."""
    return len(alerts_scan(as_of=timezone.localdate()))


@shared_task(name="quality.tasks.alert_notify", bind=True, ignore_result=True, max_retries=5)
def alert_notify(self, *, alert_id: int) -> None:
    """Tell the QA group about a new alert (e-mail, webhook); retry when the sending fails."""
    try:
        notify(alert_id=alert_id)
    except (OSError, httpx.HTTPError) as exc:
        raise retry_later(self, exc) from exc


@shared_task(name="quality.tasks.weekly_report", ignore_result=True)
def weekly_report(as_of: str | None = None) -> int:
    """E-mail the weekly PDF report to the QA group (Monday morning)."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return report_send(as_of=day)
