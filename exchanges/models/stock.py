"""Replacement stock: warehouses and the units they keep for swaps."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.swaps.promise import PromiseRules  # plain rules: imports no model


class Warehouse(models.Model):
    """Where replacements leave from: its address, its carrier and the carrier's cut-off."""

    code = models.SlugField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="FR")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/Paris")
    carrier = models.CharField(_("carrier"), max_length=30, default="sandbox")
    cutoff = models.TimeField(_("carrier cut-off"), default=datetime.time(17, 0),
                              help_text=_("Booked before this time on a working day, a "
                                          "replacement leaves the same day."))
    delivery_by = models.TimeField(_("delivered before"), default=datetime.time(12, 0))
    transit_days = models.PositiveSmallIntegerField(_("transit (working days)"), default=1)
    saturday_delivery = models.BooleanField(_("Saturday delivery"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=10, help_text=_("Lower first when promises are equal."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def rules(self):
        return PromiseRules(warehouse_country=self.country, warehouse_tz=self.timezone,
                            cutoff=self.cutoff, delivery_by=self.delivery_by,
                            transit_days=self.transit_days,
                            saturday_delivery=self.saturday_delivery)


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    RESERVED = "reserved", _("reserved")
    SHIPPED = "shipped", _("shipped")
    RETURNED = "returned", _("returned (in repair)")
    QUARANTINED = "quarantined", _("quarantined")
    LOST = "lost", _("lost by the courier")
    RETIRED = "retired", _("retired")


class UnitGrade(models.TextChoices):
    NEW = "new", _("new")
    REFURBISHED = "refurbished", _("refurbished")


class ReplacementUnitQuerySet(models.QuerySet):
    def available(self):
        return self.filter(status=UnitStatus.AVAILABLE)

    def like_for_like(self, *, model, variant=None):
        """Units of the same model, and of the same variant when the handset's is known."""
        found = self.filter(model=model)
        return found.filter(variant=variant) if variant is not None else found


class ReplacementUnit(models.Model):
    """A handset kept in replacement stock for swaps, or a returned one in repair/quarantine."""

    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="replacement_units", verbose_name=_("model"))
    variant = models.ForeignKey("hotline.ModelVariant", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="replacement_units",
                                verbose_name=_("variant"))
    imei = models.CharField(_("IMEI"), max_length=15, unique=True, null=True, blank=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="units", verbose_name=_("warehouse"))
    location = models.CharField(_("location"), max_length=60, default="main")
    grade = models.CharField(_("grade"), max_length=12, choices=UnitGrade.choices,
                             default=UnitGrade.NEW)
    status = models.CharField(_("status"), max_length=12, choices=UnitStatus.choices,
                              default=UnitStatus.AVAILABLE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReplacementUnitQuerySet.as_manager()

    class Meta:
        ordering = ["model", "variant", "id"]
        verbose_name = _("replacement unit")
        verbose_name_plural = _("replacement units")
        indexes = [models.Index(fields=["model", "variant", "status"],
                                name="unit_like_for_like_idx")]

    def __str__(self):
        return f"{self.variant or self.model} [{self.imei or self.pk}] {self.status}"
