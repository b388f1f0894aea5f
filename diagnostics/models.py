"""Models of the diagnostics app: the fault catalogue (scripts and runs come with their issue)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
