"""Distributors' access: API keys, the public view of cases, idempotent requests, webhooks."""

from partners.models.access import DistributorKey, IdempotentRequest, PublicCase, Scope
from partners.models.webhooks import (
    DeliveryAttempt,
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

__all__ = [
    "DeliveryAttempt", "DeliveryStatus", "DistributorKey", "EventType", "IdempotentRequest",
    "PublicCase", "Scope", "WebhookDelivery", "WebhookEvent", "WebhookSubscription",
]
