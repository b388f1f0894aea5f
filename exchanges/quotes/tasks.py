"""Beat task of quotes (registered through exchanges.tasks)."""

from celery import shared_task

from exchanges.quotes.services import quotes_expire_due


@shared_task(name="exchanges.tasks.quotes_expire", ignore_result=True)
def quotes_expire() -> int:
    """Expire the quotes past their date: their cases are declined."""
    return quotes_expire_due()
