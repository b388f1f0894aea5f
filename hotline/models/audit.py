from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from hotline.names import state_name


class AuditEvent(models.Model):
    """Who did what to which object, when, and why: one row per state change or decision."""

    # Indexed by the (content_type, object_id, at) index, which leads with it.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=160)  # room for string keys (API keys: 150)
    subject = GenericForeignKey("content_type", "object_id")
    case = models.ForeignKey(
        "hotline.Case", on_delete=models.CASCADE, null=True, blank=True,
        related_name="audit_events",
        help_text=_("The case this event belongs to, for the case's timeline."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor"), max_length=80, blank=True,
        help_text=_("Who acted when not a user: system, a carrier, the customer."),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    source = models.CharField(_("from"), max_length=40, blank=True)
    target = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.source}->{self.target}"

    @property
    def who(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_label or gettext_noop("system")  # shown translated (hotline.i18n)

    @property
    def subject_model(self) -> str:
        """"app_label.model_name" of the object the event is about (content types are cached)."""
        kind = ContentType.objects.get_for_id(self.content_type_id)
        return f"{kind.app_label}.{kind.model}"

    @property
    def source_name(self) -> str:
        """The human name of the state left, as the subject's machine names it."""
        return state_name(self.source, self.subject_model)

    @property
    def target_name(self) -> str:
        """The human name of the state reached, as the subject's machine names it."""
        return state_name(self.target, self.subject_model)
