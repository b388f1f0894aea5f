from celery import shared_task


@shared_task(name="exchanges.tasks.quotes_expire", ignore_result=True)
def quotes_expire() -> int:
    """Expire the quotes past their date: their cases are declined."""
    from exchanges.services import quotes_expire_due

    return quotes_expire_due()


@shared_task(name="exchanges.tasks.cases_close", ignore_result=True)
def cases_close() -> int:
    """Close the settled cases whose follow-up window is over."""
    from hotline.services import case_close_due

    return case_close_due()
