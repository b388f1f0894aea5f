import datetime
from calendar import monthrange

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.models.catalogue import HandsetModel, Tac
from hotline.models.parties import Customer, Distributor
from hotline.validators import validate_imei


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return `day` moved by `months`, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


class Handset(models.Model):
    """One physical handset, identified by its IMEI."""

    imei = models.CharField(_("IMEI"), max_length=15, unique=True)
    model = models.ForeignKey(
        HandsetModel, on_delete=models.PROTECT, related_name="handsets", verbose_name=_("model"),
        null=True, blank=True,
        help_text=_("Detected from the IMEI's TAC; pick it when the TAC is unknown."),
    )
    variant = models.ForeignKey(
        "hotline.ModelVariant", on_delete=models.PROTECT, null=True, blank=True,
        related_name="handsets", verbose_name=_("variant"),
    )
    owner = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="handsets", verbose_name=_("owner"),
        null=True, blank=True,
    )
    sold_by = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, null=True, blank=True, related_name="handsets",
        verbose_name=_("sold by"),
    )
    firmware_version = models.CharField(_("firmware version"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    proof_of_purchase = models.FileField(
        _("proof of purchase"), upload_to="proofs/%Y/%m/", blank=True
    )
    warranty_end_override = models.DateField(
        _("warranty end (inherited)"), null=True, blank=True,
        help_text=_("A replacement handset keeps the warranty end of the one it replaced."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["imei"]
        verbose_name = _("handset")
        verbose_name_plural = _("handsets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imei__regex=r"^[0-9]{15}$"), name="handset_imei_15_digits"
            ),
        ]

    def __str__(self):
        return f"{self.imei} ({self.model or _('unknown model')})"

    @property
    def tac(self) -> str:
        return self.imei[:8]

    @property
    def warranty_end(self) -> datetime.date | None:
        """Return the last day of warranty, or None when the purchase date is unknown."""
        if self.warranty_end_override:
            return self.warranty_end_override
        if self.purchase_date is None or self.model is None:
            return None
        return add_months(self.purchase_date, self.model.warranty_months)

    def clean(self):
        try:
            self.imei = validate_imei(self.imei)
        except ValidationError as exc:
            raise ValidationError({"imei": exc.messages}) from None
        if self.model_id is None:
            tac = Tac.objects.filter(tac=self.imei[:8]).select_related("model").first()
            if tac is None:
                raise ValidationError({
                    "model": _("The TAC %(tac)s of this IMEI is not in the catalogue: "
                               "pick the handset model.") % {"tac": self.imei[:8]},
                })
            self.model = tac.model
        if self.variant_id and self.variant.model_id != self.model_id:
            raise ValidationError({"variant": _("This variant belongs to another model.")})
        if self.purchase_date and self.purchase_date > datetime.date.today():
            raise ValidationError({"purchase_date": _("The purchase date is in the future.")})
