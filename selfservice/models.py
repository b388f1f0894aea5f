"""A customer's question, complaint or request from the tracking page, with its response promise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FollowUpKind(models.TextChoices):
    QUESTION = "question", _("question")
    COMPLAINT = "complaint", _("complaint")
    NEW_WINDOW = "new_window", _("another technician window")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("waiting for an answer")
    ANSWERED = "answered", _("answered")


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)

    def overdue(self, *, now):
        return self.open().filter(due_at__lt=now)

    def answered_on_time(self):
        return self.filter(status=FollowUpStatus.ANSWERED, answered_at__lte=F("due_at"))


class FollowUp(models.Model):
    """Something the customer asked from the tracking page; answered in writing by the hotline."""

    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=12, choices=FollowUpKind.choices)
    message = models.TextField(_("message"), max_length=2000)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    due_at = models.DateTimeField(_("answer promised by"), db_index=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("customer question")
        verbose_name_plural = _("customer questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="followup_answered_has_answer"),
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def late(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_at < timezone.now()
