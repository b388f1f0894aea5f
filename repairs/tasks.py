from celery import shared_task

from hotline.retries import retry_later


@shared_task(name="repairs.tasks.mail_in_label", bind=True, ignore_result=True, max_retries=12)
def mail_in_label(self, order_id: int, key: str) -> None:
    """Book a mail-in repair's prepaid label (from the outbox); transient errors retry."""
    from carriers.domain import CarrierError
    from repairs.services.mail_in import mail_in_label_run

    try:
        mail_in_label_run(order_id=order_id, key=key)
    except CarrierError as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            raise
        raise retry_later(self, exc) from exc


@shared_task(name="repairs.tasks.mail_in_return", bind=True, ignore_result=True, max_retries=12)
def mail_in_return(self, order_id: int, key: str) -> None:
    """Book the courier taking a repaired unit back to its customer (from the outbox)."""
    from carriers.domain import CarrierError
    from repairs.services.mail_in import mail_in_return_run

    try:
        mail_in_return_run(order_id=order_id, key=key)
    except CarrierError as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            raise
        raise retry_later(self, exc) from exc


@shared_task(name="repairs.tasks.repairs_daily", ignore_result=True)
def repairs_daily() -> dict:
    """Remind (then cancel) units never sent; expire referrals never dropped off; close
    delivered repairs after their follow-up."""
    from repairs.services.mail_in import mail_in_close_delivered, mail_in_remind
    from repairs.services.referrals import referrals_expire

    done = mail_in_remind()
    done["referrals_expired"] = referrals_expire()
    done["repairs_closed"] = mail_in_close_delivered()
    return done
