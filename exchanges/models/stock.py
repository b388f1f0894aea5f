from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    RESERVED = "reserved", _("reserved")
    SHIPPED = "shipped", _("shipped")
    RETIRED = "retired", _("retired")


class ReplacementUnitQuerySet(models.QuerySet):
    def available(self):
        return self.filter(status=UnitStatus.AVAILABLE)

    def like_for_like(self, *, model, variant=None):
        """Units of the same model, and of the same variant when the handset's is known."""
        found = self.filter(model=model)
        return found.filter(variant=variant) if variant is not None else found


class ReplacementUnit(models.Model):
    """A new handset kept in replacement stock for swaps (the swap work grows reservations)."""

    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="replacement_units", verbose_name=_("model"))
    variant = models.ForeignKey("hotline.ModelVariant", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="replacement_units",
                                verbose_name=_("variant"))
    imei = models.CharField(_("IMEI"), max_length=15, unique=True, null=True, blank=True)
    location = models.CharField(_("warehouse"), max_length=60, default="main")
    status = models.CharField(_("status"), max_length=12, choices=UnitStatus.choices,
                              default=UnitStatus.AVAILABLE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReplacementUnitQuerySet.as_manager()

    class Meta:
        ordering = ["model", "variant", "id"]
        verbose_name = _("replacement unit")
        verbose_name_plural = _("replacement units")

    def __str__(self):
        return f"{self.variant or self.model} [{self.imei or self.pk}] {self.status}"
