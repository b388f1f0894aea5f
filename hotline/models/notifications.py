from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class NotificationQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=NotificationStatus.FAILED)


class Notification(models.Model):
    """One written message to a customer about a case, on one channel.

    Created in the transaction that reached the milestone, sent by a Celery task after commit;
    a failed send is retried and stays visible on the case page, and never rolls back the case.
    """

    case = models.ForeignKey(
        "hotline.Case", on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("case"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    template = models.CharField(
        _("template"), max_length=60,
        help_text=_("Key of the templates notifications/<key>_subject.txt, _email.txt, _sms.txt."),
    )
    language = models.CharField(_("language"), max_length=8)
    recipient = models.CharField(_("recipient"), max_length=254)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    attachment = models.CharField(
        _("attachment"), max_length=200, blank=True,
        help_text=_("Dotted path of a function (**attachment_kwargs) -> (filename, bytes, "
                    "mimetype), called when the e-mail is sent."),
    )
    attachment_kwargs = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED, db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.template} {self.channel} {self.status}"
