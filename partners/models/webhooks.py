"""Webhook subscriptions, the events sent to them, and the log of every delivery attempt."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hotline.encryption import decrypt, encrypt


class EventType(models.TextChoices):
    STATUS_CHANGED = "case.status_changed", _("a case's public status changed")
    TRACKING = "case.tracking_updated", _("a courier reported on a case's parcel")
    TEST = "test", _("test event")


SUBSCRIBABLE_EVENTS = [EventType.STATUS_CHANGED, EventType.TRACKING]


class DisableReason(models.TextChoices):
    """Why a subscription was switched off (shown in the reader's language)."""

    BY_HAND = "by_hand", _("switched off by hand")
    FAILURES = "failures", _("too many failed attempts in a row")
    GAVE_UP = "gave_up", _("a delivery failed for days")


class DeliveryFailure(models.TextChoices):
    """Why an attempt failed, stored as a code so that each reader sees it in their language
    (the receiver's own answer is kept as received, in the response excerpt)."""

    HTTP_STATUS = "http_status", _("the receiver answered with an error status")
    TIMEOUT = "timeout", _("no answer in time")
    UNREACHABLE = "unreachable", _("the receiver could not be reached")
    REFUSED = "refused", _("the receiver's URL was refused")


class WebhookSubscription(models.Model):
    """A distributor's receiver: an https URL, the events it wants, the secret that signs."""

    distributor = models.ForeignKey("hotline.Distributor", on_delete=models.CASCADE,
                                    related_name="webhook_subscriptions",
                                    verbose_name=_("distributor"))
    url = models.URLField(_("receiver URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Encrypted at rest (hotline.encryption); read and set through `secret`.
    secret_encrypted = models.TextField(
        _("signing secret (encrypted)"), editable=False,
        help_text=_("Signs every delivery; shown once at creation."))
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    disabled_code = models.CharField(_("why disabled (code)"), max_length=10, blank=True,
                                     choices=DisableReason.choices)
    consecutive_failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.url

    @property
    def secret(self) -> str:
        """Return the signing secret (decrypted)."""
        return decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt(value)

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"

    @property
    def disabled_label(self) -> str:
        """Return why it is off, in the active language."""
        if self.disabled_code == DisableReason.FAILURES:
            return ngettext("%(count)s delivery failed in a row.",
                            "%(count)s deliveries failed in a row.",
                            self.consecutive_failures) % {"count": self.consecutive_failures}
        if self.disabled_code == DisableReason.GAVE_UP:
            return gettext("A delivery failed for %(days)s days.") % {
                "days": settings.PARTNERS_WEBHOOK_RETRY_DAYS}
        return self.disabled_reason


class WebhookEvent(models.Model):
    """One thing that happened, as a distributor is told of it (the payload never changes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    distributor = models.ForeignKey("hotline.Distributor", on_delete=models.CASCADE,
                                    related_name="+")
    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(max_length=120, blank=True,
                                  help_text="The same news told twice is one event.")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(
            fields=["distributor", "dedupe_key"], condition=~models.Q(dedupe_key=""),
            name="webhook_event_once_per_news")]

    def __str__(self):
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("delivered")
    FAILED = "failed", _("gave up")


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DeliveryStatus.PENDING)

    def due(self, *, now):
        return self.pending().filter(next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event to one subscription, tried until the receiver answers 2xx (or 3 days)."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    # Deliveries of one case to one subscription go out in this order (the id's).
    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now,
                                           db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True,
                                                       blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error_code = models.CharField(_("failure"), max_length=12, blank=True,
                                  choices=DeliveryFailure.choices)
    # The technical detail of a failure, as it came (an exception, an address).
    error = models.CharField(_("error"), max_length=500, blank=True)
    redelivery_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["subscription", "case", "status", "id"])]

    def __str__(self):
        return f"{self.event_id} -> {self.subscription_id} ({self.status})"

    @property
    def error_label(self) -> str:
        """Return what went wrong, in the active language ('' when nothing did)."""
        return failure_label(self.error_code, status=self.response_status,
                             fallback=self.error)

    @property
    def next_attempt(self):
        """When it will be tried next; None once delivered or given up."""
        return self.next_attempt_at if self.status == DeliveryStatus.PENDING else None


class DeliveryAttempt(models.Model):
    """One POST to a receiver: what it answered and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempt_log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True,
                                                       blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error_code = models.CharField(_("failure"), max_length=12, blank=True,
                                  choices=DeliveryFailure.choices)
    # The technical detail of a failure, as it came (an exception, an address).
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} {self.response_status or self.error}"

    @property
    def error_label(self) -> str:
        """Return what went wrong, in the active language ('' when nothing did)."""
        return failure_label(self.error_code, status=self.response_status,
                             fallback=self.error)



def failure_label(code: str, *, status: int | None, fallback: str = "") -> str:
    """Return a delivery failure in the active language; an attempt logged before failures
    had codes keeps its stored text."""
    if code == DeliveryFailure.HTTP_STATUS:
        return gettext("The receiver answered HTTP %(status)s.") % {"status": status}
    if code == DeliveryFailure.TIMEOUT:
        return gettext("The receiver did not answer within %(seconds)s seconds.") % {
            "seconds": settings.PARTNERS_WEBHOOK_TIMEOUT}
    if code == DeliveryFailure.UNREACHABLE:
        return gettext("The receiver could not be reached (connection refused or lost).")
    if code == DeliveryFailure.REFUSED:
        return gettext("Hotline refused the receiver's URL (not https, a private address, or a "
                       "host name that does not resolve).")
    return fallback
