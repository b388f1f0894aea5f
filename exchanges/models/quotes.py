from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Action, FaultCategory

MONEY = {"max_digits": 10, "decimal_places": 2}


class ServicePrice(models.Model):
    """The price of a paid outcome, before tax; the most specific row that matches applies."""

    outcome = models.CharField(
        _("outcome"), max_length=20,
        choices=[(Action.SWAP, Action.SWAP.label), (Action.VISIT, Action.VISIT.label)],
    )
    category = models.CharField(
        _("fault category"), max_length=20, choices=FaultCategory.choices, blank=True,
        help_text=_("Empty: any category."),
    )
    model = models.ForeignKey(
        "hotline.HandsetModel", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", help_text=_("Empty: any model."),
    )
    description = models.CharField(_("description on the quote"), max_length=200)
    amount = models.DecimalField(_("amount before tax"), validators=[MinValueValidator(0)],
                                 **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["outcome", "category", "model"]
        verbose_name = _("service price")
        verbose_name_plural = _("service prices")
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "category", "model"], condition=models.Q(model__isnull=False),
                name="serviceprice_unique_per_model",
            ),
            models.UniqueConstraint(
                fields=["outcome", "category"], condition=models.Q(model__isnull=True),
                name="serviceprice_unique_any_model",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="serviceprice_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount} {self.currency}"


class QuoteStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the customer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


class QuoteQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=QuoteStatus.PENDING)

    def due_to_expire(self, *, now):
        return self.pending().filter(expires_at__lte=now)


class Quote(models.Model):
    """An itemised quote for a paid outcome, sent in writing; nothing is dispatched without it."""

    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="quotes")
    decision = models.ForeignKey("exchanges.Decision", on_delete=models.PROTECT,
                                 related_name="quotes")
    number = models.CharField(_("confirmation number"), max_length=24, unique=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Action.choices)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal before tax"), **MONEY)
    delivery_fee = models.DecimalField(_("delivery fee"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax_amount = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices,
                              default=QuoteStatus.PENDING, db_index=True)
    expires_at = models.DateTimeField(_("valid until"), db_index=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered via"), max_length=10, blank=True,
        choices=[("link", _("the customer's link")), ("payment", _("online payment")),
                 ("signed", _("signed form")), ("system", _("expiry"))],
    )
    answered_ip = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    decline_reason = models.TextField(_("reason declined"), blank=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                    name="quote_one_pending_per_case"),
            models.CheckConstraint(
                condition=models.Q(total=models.F("subtotal") + models.F("delivery_fee")
                                   + models.F("tax_amount")),
                name="quote_total_adds_up",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(answered_at__isnull=False),
                name="quote_accepted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.total} {self.currency} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == QuoteStatus.PENDING


class QuoteLine(models.Model):
    """One line of a quote."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price before tax"), **MONEY)
    amount = models.DecimalField(_("amount before tax"), **MONEY)

    class Meta:
        ordering = ["quote", "position"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=Decimal("0")),
                                   name="quoteline_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.description}"
