"""Models of the diagnostics app: the fault catalogue, guided scripts and their runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from hotline.models import Symptom


class FaultCategory(models.TextChoices):
    POWER = "power", _("power")
    BATTERY = "battery", _("battery")
    DISPLAY = "display", _("display")
    RADIO = "radio", _("radio / network")
    AUDIO = "audio", _("audio")
    CHARGING = "charging", _("charging")
    CAMERA = "camera", _("camera")
    SOFTWARE = "software", _("software")
    LIQUID_DAMAGE = "liquid_damage", _("liquid damage")
    PHYSICAL_DAMAGE = "physical_damage", _("physical damage")


class Action(models.TextChoices):
    """What a diagnosis recommends."""

    ADVICE = "advice", _("advice on the phone")
    SWAP = "swap", _("home swap")
    VISIT = "visit", _("technician visit")
    REFERRAL = "referral", _("referral to a service point")
    REPAIR = "repair", _("mail-in repair")


class FaultCode(models.Model):
    """A fault of the catalogue, e.g. BAT-01 battery degraded."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    category = models.CharField(_("category"), max_length=20, choices=FaultCategory.choices)
    description_en = models.CharField(_("description (English)"), max_length=200)
    description_fr = models.CharField(_("description (French)"), max_length=200)
    warranty_covered = models.BooleanField(
        _("covered by warranty"), default=True,
        help_text=_("Liquid and physical damage never are."),
    )
    usual_action = models.CharField(
        _("usual outcome"), max_length=20, choices=Action.choices, default=Action.ADVICE
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category__in=["liquid_damage", "physical_damage"])
                | models.Q(warranty_covered=False),
                name="faultcode_damage_never_covered",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.description}"

    @property
    def description(self) -> str:
        return self.description_fr if (get_language() or "en").startswith("fr") else (
            self.description_en)


class Script(models.Model):
    """A guided diagnostic script for one symptom; its content lives in versions."""

    slug = models.SlugField(_("script id"), max_length=60, unique=True)
    symptom = models.CharField(_("symptom"), max_length=30, db_index=True)
    active = models.BooleanField(_("offered to operators"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("diagnostic script")
        verbose_name_plural = _("diagnostic scripts")

    def __str__(self):
        return self.slug


class ScriptVersionQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each active script."""
        latest = models.Subquery(
            ScriptVersion.objects.filter(script=models.OuterRef("script"))
            .order_by("-number").values("number")[:1])
        return self.filter(script__active=True, number=latest)


class ScriptVersion(models.Model):
    """One published version of a script: a decision tree that never changes once stored."""

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    symptom = models.CharField(_("symptom"), max_length=30)
    also_for = models.JSONField(_("also offered for symptoms"), default=list, blank=True)
    handset_models = models.JSONField(
        _("handset models"), default=list, blank=True,
        help_text=_("Model names or families it applies to; empty means every model."))
    tree = models.JSONField(_("decision tree"))
    source = models.TextField(_("YAML source"))
    source_name = models.CharField(_("file"), max_length=200, blank=True)
    checksum = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    objects = ScriptVersionQuerySet.as_manager()

    class Meta:
        ordering = ["script__slug", "-number"]
        verbose_name = _("script version")
        verbose_name_plural = _("script versions")
        constraints = [
            models.UniqueConstraint(fields=["script", "number"], name="scriptversion_unique"),
        ]

    def __str__(self):
        return f"{self.script.slug} v{self.number}"

    @property
    def title(self) -> str:
        return self.title_fr if (get_language() or "en").startswith("fr") else self.title_en

    @property
    def symptom_label(self) -> str:
        """Return the symptom's translated label (its code when it is not a known symptom)."""
        try:
            return str(Symptom(self.symptom).label)
        except ValueError:
            return self.symptom

    def applies_to(self, handset_model) -> bool:
        """Return whether this script may run on a handset of `handset_model` (None: unknown)."""
        if not self.handset_models:
            return True
        if handset_model is None:
            return False
        return bool({str(handset_model), handset_model.name, handset_model.family} & set(
            self.handset_models))

    def node(self, node_id: str) -> dict:
        for node in self.tree["nodes"]:
            if node["id"] == node_id:
                return node
        raise KeyError(node_id)


class RunStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    ABANDONED = "abandoned", _("abandoned")


class ScriptRun(ConcurrentTransitionMixin, models.Model):
    """An operator's walk through one script version for a case."""

    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="script_runs",
                             verbose_name=_("case"))
    version = models.ForeignKey(ScriptVersion, on_delete=models.PROTECT, related_name="runs",
                                verbose_name=_("script version"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="script_runs", verbose_name=_("started by"))
    status = FSMField(_("status"), default=RunStatus.IN_PROGRESS, choices=RunStatus.choices,
                      protected=True, db_index=True)
    current_node = models.CharField(_("current step"), max_length=80)
    position = models.PositiveIntegerField(
        _("step number"), default=0,
        help_text=_("How many answers the current path holds; a step must name it."))
    node_entered_at = models.DateTimeField(_("current step shown at"))
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    abandon_reason = models.CharField(_("reason for abandoning"), max_length=300, blank=True)
    fault_code = models.ForeignKey(FaultCode, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="runs", verbose_name=_("fault code"))
    action = models.CharField(_("recommended action"), max_length=20, choices=Action.choices,
                              blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("script run")
        verbose_name_plural = _("script runs")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="in_progress"),
                                    name="scriptrun_one_in_progress_per_case"),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | (
                    models.Q(fault_code__isnull=False) & ~models.Q(action="")),
                name="scriptrun_completed_has_result"),
            models.CheckConstraint(
                condition=~models.Q(status="abandoned") | ~models.Q(abandon_reason=""),
                name="scriptrun_abandoned_has_reason"),
        ]

    def __str__(self):
        return f"{self.version} on {self.case_id}"

    @property
    def is_finished(self) -> bool:
        return self.status != RunStatus.IN_PROGRESS

    # Transitions only set the state; services fill the result and write the audit event.
    @transition(field=status, source=RunStatus.IN_PROGRESS, target=RunStatus.COMPLETED)
    def complete(self):
        """Reach an outcome."""

    @transition(field=status, source=RunStatus.IN_PROGRESS, target=RunStatus.ABANDONED)
    def abandon(self):
        """Stop before an outcome."""


class ScriptStep(models.Model):
    """One answer given during a run; going back discards it from the path, never deletes it."""

    run = models.ForeignKey(ScriptRun, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField(_("order in the record"))
    position = models.PositiveIntegerField(_("position in the path"))
    node_id = models.CharField(_("node"), max_length=80)
    answer = models.CharField(_("answer"), max_length=80)
    value = models.DecimalField(_("measured value"), max_digits=12, decimal_places=3, null=True,
                                blank=True)
    seconds = models.PositiveIntegerField(_("time taken (s)"))
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    discarded = models.BooleanField(_("discarded by going back"), default=False)

    class Meta:
        ordering = ["run", "seq"]
        verbose_name = _("script step")
        verbose_name_plural = _("script steps")
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="scriptstep_unique_seq"),
            models.UniqueConstraint(fields=["run", "position"], condition=models.Q(discarded=False),
                                    name="scriptstep_one_live_answer_per_position"),
        ]
        indexes = [models.Index(fields=["node_id", "answer"])]

    def __str__(self):
        return f"{self.run_id}#{self.seq} {self.node_id}={self.answer}"
