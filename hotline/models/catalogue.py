from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HandsetModelQuerySet(models.QuerySet):
    def for_tac(self, tac: str):
        return self.filter(tacs__tac=tac)


class HandsetModel(models.Model):
    """A handset model of the catalogue, e.g. Fairphone 5."""

    brand = models.CharField(_("brand"), max_length=60)
    name = models.CharField(_("model"), max_length=120)
    marketing_names = models.JSONField(
        _("marketing names"), default=list, blank=True,
        help_text=_("Names the model is sold under, e.g. 'iPhone 5s 16GB'."),
    )
    family = models.CharField(
        _("family"), max_length=80, blank=True,
        help_text=_("A group of similar models, used for technician skills."),
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=24, validators=[MinValueValidator(0)]
    )
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    is_current = models.BooleanField(
        _("currently supported"), default=False,
        help_text=_("Current models can be swapped from replacement stock."),
    )

    objects = HandsetModelQuerySet.as_manager()

    class Meta:
        ordering = ["brand", "name"]
        verbose_name = _("handset model")
        verbose_name_plural = _("handset models")
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="handsetmodel_unique_name"),
        ]

    def __str__(self):
        return f"{self.brand} {self.name}"


class ModelVariant(models.Model):
    """A sellable variant of a model (colour and storage), identified by its SKU."""

    model = models.ForeignKey(HandsetModel, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    colour = models.CharField(_("colour"), max_length=40)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"))

    class Meta:
        ordering = ["model", "storage_gb", "colour"]
        verbose_name = _("model variant")
        verbose_name_plural = _("model variants")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "colour", "storage_gb"], name="variant_unique_per_model"
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.storage_gb} GB {self.colour}"


class Tac(models.Model):
    """A type allocation code: the first 8 digits of an IMEI, which name the model."""

    tac = models.CharField(
        _("TAC"), max_length=8, primary_key=True,
        validators=[RegexValidator(r"^\d{8}$", _("A TAC has exactly 8 digits."))],
    )
    model = models.ForeignKey(HandsetModel, on_delete=models.CASCADE, related_name="tacs")

    class Meta:
        ordering = ["tac"]
        verbose_name = _("TAC")
        verbose_name_plural = _("TACs")

    def __str__(self):
        return self.tac
