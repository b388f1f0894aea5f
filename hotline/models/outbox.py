from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(dispatched_at__isnull=True, available_at__lte=now)


class OutboxMessage(models.Model):
    """A task to run once the transaction that wrote it has committed.

    Written in the same transaction as the change that needs it, so a side effect (a courier
    booking, a notification, a webhook) is never lost when the broker is down: the relay sends
    it when it can, and the task's idempotency key keeps it from running twice.
    """

    task = models.CharField(max_length=120)
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Read through the partial index of the messages not sent (outbox_pending).
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # What the relay reads, many times a second under load: the messages not sent
            # yet, by when they are due; the table keeps the sent ones (OUTBOX_KEEP_DAYS).
            models.Index(fields=["available_at", "id"], name="outbox_pending",
                         condition=models.Q(dispatched_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.task} [{self.idempotency_key}]"
