from celery import shared_task

from partners.services import idempotency, public, webhooks


@shared_task(name="partners.tasks.public_case_refresh", ignore_result=True)
def public_case_refresh(*, case_id: int) -> None:
    """Recompute a case's public status after a change; emit the webhook event if it moved."""
    public.public_case_refresh(case_id=case_id)


@shared_task(name="partners.tasks.webhook_deliver", ignore_result=True)
def webhook_deliver(*, subscription_id: int, case_id: int | None) -> int:
    """Send the due deliveries of one case to one subscription, in order."""
    return webhooks.deliveries_send(subscription_id=subscription_id, case_id=case_id)


@shared_task(name="partners.tasks.webhooks_retry_due", ignore_result=True)
def webhooks_retry_due() -> int:
    """Queue the deliveries whose retry time has come (beat, every minute)."""
    pairs = webhooks.deliveries_due()
    for subscription_id, case_id in pairs:
        webhook_deliver.delay(subscription_id=subscription_id, case_id=case_id)
    return len(pairs)


@shared_task(name="partners.tasks.public_cases_fill", ignore_result=True)
def public_cases_fill() -> int:
    """Give a public view to the quiet cases that have none (beat, every 10 minutes)."""
    from partners.selectors import public_cases_fill as fill

    return fill()


@shared_task(name="partners.tasks.idempotency_purge", ignore_result=True)
def idempotency_purge() -> int:
    """Forget Idempotency-Keys past their retention (beat, hourly)."""
    return idempotency.idempotency_purge()
