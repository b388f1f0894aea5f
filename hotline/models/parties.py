from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from hotline.validators import normalise_country, normalise_postcode


class Distributor(models.Model):
    """A distributor or retailer that sells our handsets and follows its customers' cases."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")

    def __str__(self):
        return self.name

    def clean(self):
        self.country = _clean_country(self.country)


def _clean_country(value: str) -> str:
    try:
        return normalise_country(value)
    except ValidationError as exc:
        raise ValidationError({"country": exc.messages}) from None


class Customer(models.Model):
    """A person who owns a handset and calls the hotline about it."""

    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"), blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="FR",
        help_text=_("ISO 3166 code; phone numbers without a country code are read in it."),
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            # A search made only of words under 3 letters ("Li", "Wu") looks for whole names
            # (hotline.selectors._by_name), which trigrams cannot serve: these can, on both
            # databases.
            models.Index(Upper("last_name"), name="customer_last_name_upper"),
            models.Index(Upper("first_name"), name="customer_first_name_upper"),
            # A whole e-mail address typed in the search (its domain's trigrams are in every
            # customer's row).
            models.Index(Upper("email"), name="customer_email_upper"),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        self.country = _clean_country(self.country)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def default_address(self):
        return self.addresses.order_by("-is_default", "id").first()


class CustomerPhone(models.Model):
    """One of a customer's phone numbers, stored in E.164."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("mobile")
        HOME = "home", _("home")
        WORK = "work", _("work")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = PhoneNumberField(_("phone number"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="phone_unique_per_customer"),
        ]

    def __str__(self):
        return str(self.number)


class Address(models.Model):
    """A postal address of a customer, where a courier or a technician can come."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. home, work"))
    street = models.CharField(_("street"), max_length=200)
    street2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="FR")
    access_notes = models.CharField(
        _("access notes"), max_length=300, blank=True,
        help_text=_("Door code, floor, when someone is in."),
    )
    is_default = models.BooleanField(_("default address"), default=True)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        return f"{self.street}, {self.postcode} {self.city} ({self.country})"

    def clean(self):
        self.country = _clean_country(self.country)
        try:
            self.postcode = normalise_postcode(self.postcode, self.country)
        except ValidationError as exc:
            raise ValidationError({"postcode": exc.messages}) from None


class Profile(models.Model):
    """What Hotline knows of a user beyond Django's auth: telephony identity, distributor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotline_profile"
    )
    agent_id = models.CharField(
        _("telephony agent id"), max_length=40, blank=True,
        help_text=_("The agent name the telephony platform reports, e.g. Agent/1001."),
    )
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        help_text=_("For distributor users: the distributor whose cases they see."),
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["agent_id"], condition=~models.Q(agent_id=""), name="profile_unique_agent"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.agent_id or '-'})"
