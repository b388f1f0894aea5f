from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Action


class DiagnosisSource(models.TextChoices):
    MANUAL = "manual", _("recorded by the operator")
    SCRIPT = "script", _("guided script")


class Diagnosis(models.Model):
    """A diagnosis recorded by hand when no guided script fits (fault code and action)."""

    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="diagnoses")
    fault_code = models.ForeignKey(
        "diagnostics.FaultCode", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("fault code"),
    )
    action = models.CharField(_("recommended action"), max_length=20, choices=Action.choices)
    advice = models.TextField(_("advice given"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=DiagnosisSource.choices, default=DiagnosisSource.MANUAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self):
        return f"{self.case_id} {self.fault_code_id} {self.action}"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    OVERRIDDEN = "overridden", _("overridden")
    SUPERSEDED = "superseded", _("superseded")


class Decision(models.Model):
    """The outcome proposed for a case, with its reasons, and what the operator decided."""

    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="decisions")
    fault_code = models.ForeignKey(
        "diagnostics.FaultCode", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("fault code"),
    )
    recommended_action = models.CharField(
        _("recommended action"), max_length=20, choices=Action.choices
    )
    script_run_id = models.PositiveBigIntegerField(_("script run"), null=True, blank=True)
    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    preference = models.CharField(
        _("customer's preference"), max_length=20, choices=Action.choices, blank=True
    )
    proposed_outcome = models.CharField(_("proposed outcome"), max_length=20,
                                        choices=Action.choices)
    proposed_paid = models.BooleanField(_("paid by the customer (proposed)"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, encoder=DjangoJSONEncoder)
    inputs = models.JSONField(
        _("inputs"), default=dict, encoder=DjangoJSONEncoder,
        help_text=_("Warranty, stock and technician availability when it was proposed."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices,
        default=DecisionStatus.PROPOSED, db_index=True,
    )
    outcome = models.CharField(_("decided outcome"), max_length=20, choices=Action.choices,
                               blank=True)
    paid = models.BooleanField(_("paid by the customer"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="proposed"),
                name="decision_one_proposed_per_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="overridden") | ~models.Q(override_reason=""),
                name="decision_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.proposed_outcome} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.PROPOSED
