"""Models of the quality app: production batches, installed base, defect records, their
weekly roll-up, and early-warning alerts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from quality.method import method_description


def monday(day: datetime.date) -> datetime.date:
    """Return the Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class Batch(models.Model):
    """A production batch: a model's handsets made together, known by a range of IMEIs."""

    code = models.CharField(_("batch"), max_length=40, unique=True)
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="batches", verbose_name=_("model"))
    imei_from = models.CharField(_("first IMEI"), max_length=15, blank=True)
    imei_to = models.CharField(_("last IMEI"), max_length=15, blank=True)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)

    class Meta:
        ordering = ["model", "code"]
        verbose_name = _("production batch")
        verbose_name_plural = _("production batches")
        indexes = [models.Index(fields=["imei_from", "imei_to"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(imei_from__lte=models.F("imei_to")),
                                   name="batch_range_ordered"),
        ]

    def __str__(self):
        return self.code

    @property
    def units(self) -> int | None:
        """Return how many handsets the IMEI range holds (the 15th digit is a check digit)."""
        if not (self.imei_from and self.imei_to):
            return None
        return int(self.imei_to[:14]) - int(self.imei_from[:14]) + 1


class InstalledBase(models.Model):
    """Units of a model shipped to the field in one month (in one country, or all: '')."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="installed_base", verbose_name=_("model"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    units = models.PositiveIntegerField(_("units shipped"))

    class Meta:
        ordering = ["model", "month", "country"]
        verbose_name = _("installed base")
        verbose_name_plural = _("installed base")
        constraints = [
            models.UniqueConstraint(fields=["month", "model", "country"],
                                    name="installedbase_unique_month"),
        ]

    def __str__(self):
        return f"{self.model_id} {self.month:%Y-%m} {self.country or '*'}: {self.units}"


class Source(models.TextChoices):
    """Where the current evidence of a defect record comes from."""

    HOTLINE = "hotline", _("hotline diagnosis")
    VISIT = "visit", _("technician visit")
    INSPECTION = "inspection", _("returned-unit inspection")
    REPAIR = "repair", _("repair centre")
    REPAIR_PARTNER = "repair_partner", _("repair partner")
    DISTRIBUTOR = "distributor", _("distributor")


# Later evidence replaces earlier evidence of a lower (or the same) rank.
EVIDENCE_RANK = {Source.HOTLINE: 1, Source.DISTRIBUTOR: 1, Source.VISIT: 2,
                 Source.REPAIR_PARTNER: 3, Source.INSPECTION: 3, Source.REPAIR: 4}


class Verdict(models.TextChoices):
    REPORTED = "reported", _("reported")
    CONFIRMED = "confirmed", _("fault confirmed")
    NFF = "nff", _("no fault found")
    CUSTOMER_DAMAGE = "customer_damage", _("customer-induced damage")


# Verdicts that count as failures in defect rates and early warning.
FAILURE_VERDICTS = (Verdict.REPORTED, Verdict.CONFIRMED)


class DefectRecordQuerySet(models.QuerySet):
    def failures(self):
        return self.filter(verdict__in=FAILURE_VERDICTS)


class DefectRecord(models.Model):
    """One failed handset per case (or per field return): what failed, when, where, and the
    best evidence so far. No customer data: region at département level, no names."""

    key = models.CharField(_("key"), max_length=120, unique=True,
                           help_text=_("case:<id>, or the field return's source and reference."))
    case = models.OneToOneField("hotline.Case", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="defect_record", verbose_name=_("case"))
    occurred_on = models.DateField(_("occurred on"))
    week = models.DateField(_("week"), help_text=_("Monday of the week it occurred in."))
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="defect_records", verbose_name=_("model"))
    variant = models.ForeignKey("hotline.ModelVariant", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("variant"))
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT,
                                   related_name="defect_records", verbose_name=_("fault code"))
    category = models.CharField(_("category"), max_length=20)
    batch = models.ForeignKey(Batch, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="defect_records", verbose_name=_("batch"))
    production_month = models.DateField(_("production month"), null=True, blank=True)
    purchase_month = models.DateField(_("purchase month"), null=True, blank=True)
    months_in_service = models.PositiveSmallIntegerField(_("months in service"), null=True,
                                                         blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=6, blank=True)
    distributor = models.ForeignKey("hotline.Distributor", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("distributor"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices,
                               default=Verdict.REPORTED)
    reported_fault_code = models.CharField(
        _("fault code first reported"), max_length=20, blank=True,
        help_text=_("What the hotline (or the sender) said, kept when later evidence differs."))
    script = models.CharField(_("diagnostic script"), max_length=60, blank=True)
    script_version = models.PositiveIntegerField(_("script version"), null=True, blank=True)
    end_node = models.CharField(_("script end node"), max_length=80, blank=True)
    component = models.CharField(_("component"), max_length=120, blank=True)
    root_cause = models.CharField(_("root cause"), max_length=300, blank=True)
    reference = models.CharField(_("sender's reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DefectRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("defect record")
        verbose_name_plural = _("defect records")
        indexes = [
            models.Index(fields=["model", "fault_code", "week"]),
            models.Index(fields=["week"]),
            models.Index(fields=["batch", "fault_code"]),
            models.Index(fields=["script", "end_node"]),
            # the records page: newest first, and the edge days of a period the roll-ups
            # do not cover whole; a country filter reads the records
            models.Index(fields=["occurred_on", "id"]),
            models.Index(fields=["model", "occurred_on", "id"]),
            models.Index(fields=["country", "occurred_on"]),
        ]

    def __str__(self):
        return f"{self.key} {self.fault_code_id} {self.verdict}"

    @property
    def evidence_rank(self) -> int:
        return EVIDENCE_RANK.get(self.source, 0)


class DefectWeek(models.Model):
    """Weekly roll-up of defect records by model, fault code and batch, kept up to date by
    every write (quality.services.rollup_refresh): trends and the scan read this table."""

    week = models.DateField()
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.CASCADE, related_name="+")
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.CASCADE,
                                   related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    failures = models.PositiveIntegerField(default=0)
    nff = models.PositiveIntegerField(default=0)
    damage = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly defect count")
        verbose_name_plural = _("weekly defect counts")
        indexes = [models.Index(fields=["model", "fault_code", "week"]),
                   models.Index(fields=["week"])]

    def __str__(self):
        return f"{self.week} {self.model_id} {self.fault_code_id} {self.batch_id}: {self.failures}"


class DefectCountryWeek(models.Model):
    """Weekly roll-up by model, fault code and country: the pages filtered by a country
    (rates by model and fault code, Pareto, the records count) read it."""

    week = models.DateField()
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.CASCADE, related_name="+")
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.CASCADE,
                                   related_name="+")
    country = models.CharField(max_length=2, blank=True)
    failures = models.PositiveIntegerField(default=0)
    nff = models.PositiveIntegerField(default=0)
    damage = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly defect count by country")
        verbose_name_plural = _("weekly defect counts by country")
        indexes = [models.Index(fields=["country", "week"]), models.Index(fields=["week"]),
                   models.Index(fields=["model", "week"])]

    def __str__(self):
        return f"{self.week} {self.model_id} {self.fault_code_id} {self.country}"


class DefectServiceWeek(models.Model):
    """Weekly roll-up of failures by model, fault code and month in service: the hazard
    (Nevada) view reads it. Kept with DefectWeek by quality.services.rollup_refresh."""

    week = models.DateField()
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.CASCADE, related_name="+")
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.CASCADE,
                                   related_name="+")
    months_in_service = models.PositiveSmallIntegerField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly failures by month in service")
        verbose_name_plural = _("weekly failures by month in service")
        indexes = [models.Index(fields=["model", "week"]), models.Index(fields=["week"])]

    def __str__(self):
        return f"{self.week} {self.model_id} {self.fault_code_id} m{self.months_in_service}"


class DefectNffWeek(models.Model):
    """Weekly roll-up of the examined records (confirmed, no fault found, damage) by model,
    fault code, fault code first reported, script and end node: the NFF rates read it."""

    week = models.DateField()
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.CASCADE, related_name="+")
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.CASCADE,
                                   related_name="+")
    reported_fault_code = models.CharField(max_length=20, blank=True)
    script = models.CharField(max_length=60, blank=True)
    end_node = models.CharField(max_length=80, blank=True)
    examined = models.PositiveIntegerField(default=0)
    nff = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly no-fault-found count")
        verbose_name_plural = _("weekly no-fault-found counts")
        indexes = [models.Index(fields=["model", "week"]), models.Index(fields=["week"])]

    def __str__(self):
        return f"{self.week} {self.model_id} {self.reported_fault_code} {self.end_node}"


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert", "open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert", "acknowledged")
    RESOLVED = "resolved", pgettext_lazy("alert", "resolved")


class Alert(ConcurrentTransitionMixin, models.Model):
    """An early-warning signal: a series whose failures rose above what its baseline expects."""

    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("model"))
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("fault code"))
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("batch"))
    status = FSMField(_("status"), default=AlertStatus.OPEN, choices=AlertStatus.choices,
                      protected=True, db_index=True)
    first_week = models.DateField(_("first week of the signal"))
    detected_week = models.DateField(_("week it was detected"))
    last_week = models.DateField(_("latest week seen"))
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"))
    statistic = models.FloatField(_("statistic"))
    method = models.CharField(_("method"), max_length=120)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("owner"))
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_week", "-statistic", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "fault_code", "batch"], condition=~models.Q(status="resolved"),
                name="alert_one_live_per_series", nulls_distinct=False),
        ]

    def __str__(self):
        batch = f" {self.batch.code}" if self.batch_id else ""
        return f"{self.model} {self.fault_code_id}{batch}"

    @property
    def method_description(self) -> str:
        """The method and its parameters in words, in the active language."""
        return method_description(self.method)

    @transition(field=status, source=AlertStatus.OPEN, target=AlertStatus.ACKNOWLEDGED)
    def acknowledge(self):
        """Someone looks into it."""

    @transition(field=status, source=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
                target=AlertStatus.RESOLVED)
    def resolve(self):
        """Explained or fixed."""

    @transition(field=status, source=AlertStatus.ACKNOWLEDGED, target=AlertStatus.OPEN)
    def reopen(self):
        """Back to the open list."""


class AlertNote(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("alert note")
        verbose_name_plural = _("alert notes")

    def __str__(self):
        return self.text[:60]
