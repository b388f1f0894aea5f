"""Spare parts: a catalogue per model, stock per location, reservations and consumption."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 10, "decimal_places": 2}


class StockLocation(models.Model):
    """Where parts are kept: the repair centre's stores, a service point's shelf."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_repair_centre = models.BooleanField(
        _("repair centre"), default=False,
        help_text=_("The repair centre's bench takes its parts from here."))

    class Meta:
        ordering = ["-is_repair_centre", "code"]
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")

    def __str__(self):
        return self.name


class Part(models.Model):
    """A spare part of the catalogue, fitting one or more models."""

    part_number = models.CharField(_("part number"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200)
    component = models.CharField(_("component"), max_length=60,
                                 help_text=_("e.g. battery, display, charging port."))
    handset_models = models.ManyToManyField("hotline.HandsetModel", related_name="parts",
                                    verbose_name=_("fits models"))
    cost = models.DecimalField(_("unit cost"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["part_number"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [models.CheckConstraint(condition=Q(cost__gte=0), name="part_cost_not_negative")]

    def __str__(self):
        return f"{self.part_number} {self.description}"


class PartStockQuerySet(models.QuerySet):
    def below_reorder_point(self):
        """Rows whose free quantity (on hand minus reserved) is at or under the reorder point."""
        return self.filter(on_hand__lte=F("reserved") + F("reorder_point"))


class PartStock(models.Model):
    """How many of a part a location holds, how many are promised to repairs, when to reorder."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="stock")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="stock")
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved for repairs"), default=0)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"), default=2,
        help_text=_("Alert when the free quantity falls to this or below."))

    objects = PartStockQuerySet.as_manager()

    class Meta:
        ordering = ["part__part_number", "location__code"]
        verbose_name = _("part stock")
        verbose_name_plural = _("part stock")
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="partstock_once"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")),
                                   name="partstock_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.part.part_number}@{self.location.code}: {self.on_hand} ({self.reserved})"

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class PartUseStatus(models.TextChoices):
    WANTED = "wanted", _("wanted (none free)")
    RESERVED = "reserved", _("reserved")
    CONSUMED = "consumed", _("consumed")
    RELEASED = "released", _("released")


class PartUse(models.Model):
    """Parts a repair needs: wanted until stock frees, reserved, then consumed (or released)."""

    order = models.ForeignKey("repairs.RepairOrder", on_delete=models.PROTECT,
                              related_name="part_uses")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="uses")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="uses")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=PartUseStatus.choices,
                              default=PartUseStatus.WANTED, db_index=True)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    consumed_at = models.DateTimeField(_("consumed at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("part use")
        verbose_name_plural = _("part uses")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1),
                                              name="partuse_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × {self.part.part_number} ({self.status})"
