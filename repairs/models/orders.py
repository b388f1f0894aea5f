"""Repair orders: a handset repaired at the repair centre, mailed in by its customer or
returned from a swap into repair stock."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from exchanges.models import AddressSnapshot


class RepairKind(models.TextChoices):
    MAIL_IN = "mail_in", _("mail-in repair")
    STOCK = "stock", _("returned swap unit")


class RepairStatus(models.TextChoices):
    AWAITING_UNIT = "awaiting_unit", _("awaiting the handset")
    RECEIVED = "received", _("received at the repair centre")
    DIAGNOSING = "diagnosing", _("being diagnosed")
    AWAITING_CONSENT = "awaiting_consent", _("awaiting the customer's consent")
    WAITING_PARTS = "waiting_parts", _("waiting for parts")
    REPAIRING = "repairing", _("being repaired")
    QUALITY_CHECK = "quality_check", _("quality check")
    SHIPPED_BACK = "shipped_back", _("shipped back")
    DELIVERED = "delivered", _("delivered")
    CLOSED = "closed", _("closed")
    REPLACED = "replaced", _("replaced by a swap")
    RETIRED = "retired", _("retired")
    LOST = "lost", _("lost in transit")
    CANCELLED = "cancelled", _("cancelled")


R = RepairStatus
OPEN_REPAIR_STATES = [R.AWAITING_UNIT, R.RECEIVED, R.DIAGNOSING, R.AWAITING_CONSENT,
                      R.WAITING_PARTS, R.REPAIRING, R.QUALITY_CHECK, R.SHIPPED_BACK, R.LOST]
# States in which the unit is on the repair centre's bench (the work queue).
BENCH_STATES = [R.RECEIVED, R.DIAGNOSING, R.AWAITING_CONSENT, R.WAITING_PARTS, R.REPAIRING,
                R.QUALITY_CHECK]
FINAL_REPAIR_STATES = [R.CLOSED, R.REPLACED, R.RETIRED, R.CANCELLED]


class RepairResult(models.TextChoices):
    REPAIRED = "repaired", _("repaired")
    NO_FAULT_FOUND = "nff", _("no fault found")
    BEYOND_ECONOMIC_REPAIR = "ber", _("beyond economic repair")
    DECLINED = "declined", _("customer declined the paid repair")
    UNREPAIRABLE = "unrepairable", _("cannot be repaired")


class RepairOrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REPAIR_STATES)

    def on_bench(self):
        return self.filter(status__in=BENCH_STATES)


def is_mail_in(order) -> bool:
    return order.kind == RepairKind.MAIL_IN


def is_stock_unit(order) -> bool:
    return order.kind == RepairKind.STOCK


class RepairOrder(ConcurrentTransitionMixin, AddressSnapshot):
    """One handset's repair at the centre, from its arrival to its return (or restocking)."""

    number = models.CharField(_("repair number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=RepairKind.choices)
    case = models.ForeignKey("hotline.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="repair_orders")
    decision = models.ForeignKey("exchanges.Decision", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    quote = models.ForeignKey("exchanges.Quote", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+",
                              help_text=_("The quote the customer consented to."))
    unit = models.ForeignKey("exchanges.ReplacementUnit", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="repair_orders",
                             verbose_name=_("stock unit"))
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("model"))
    imei = models.CharField(_("IMEI"), max_length=15, db_index=True)
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("reported fault"))
    inspection_notes = models.TextField(_("inspection notes"), blank=True)
    status = FSMField(_("status"), default=R.AWAITING_UNIT, choices=RepairStatus.choices,
                      protected=True, db_index=True)
    result = models.CharField(_("result"), max_length=12, choices=RepairResult.choices,
                              blank=True)
    found_fault_code = models.ForeignKey(
        "diagnostics.FaultCode", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("fault found"))
    component = models.CharField(_("component at fault"), max_length=60, blank=True)
    root_cause = models.CharField(_("root cause"), max_length=200, blank=True)
    work_notes = models.TextField(_("work notes"), blank=True)
    end_reason = models.CharField(_("why it ended so"), max_length=300, blank=True)
    checks_failed = models.PositiveSmallIntegerField(_("quality checks failed"), default=0)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    inbound = models.ForeignKey("carriers.Shipment", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("prepaid return label"))
    outbound = models.ForeignKey("carriers.Shipment", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("shipment back"))
    label_error = models.CharField(_("courier refusal"), max_length=2000, blank=True)
    promised_by = models.DateTimeField(_("promised back by"), null=True, blank=True,
                                       db_index=True)
    promise_reasons = models.JSONField(_("why this promise"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True,
        help_text=_("Delivered back to the customer, or back in stock."))
    turnaround_seconds = models.PositiveIntegerField(_("turnaround (seconds)"), null=True,
                                                     blank=True)
    first_time_fix = models.BooleanField(_("fixed the first time"), null=True, blank=True)
    created_at = models.DateTimeField(_("ordered at"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RepairOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        permissions = [("work_repair", _("Can work on repairs at the repair centre"))]
        constraints = [
            models.UniqueConstraint(fields=["unit"],
                                    condition=models.Q(status__in=OPEN_REPAIR_STATES),
                                    name="repair_one_open_per_unit"),
            models.CheckConstraint(
                condition=models.Q(kind="stock", unit__isnull=False)
                | models.Q(kind="mail_in", case__isnull=False),
                name="repair_has_its_subject"),
        ]
        indexes = [models.Index(fields=["status", "promised_by"], name="repair_queue_idx")]

    def __str__(self):
        return self.number

    # Transitions only set fields; repairs.services.orders runs them (django-fsm conditions
    # tell a customer's mail-in from a stock unit).
    @transition(field=status, source=R.AWAITING_UNIT, target=R.RECEIVED, conditions=[is_mail_in])
    def receive(self, *, at):
        """The customer's parcel arrived at the repair centre."""
        self.received_at = at

    @transition(field=status, source=R.RECEIVED, target=R.DIAGNOSING)
    def diagnose(self):
        """A technician starts the bench diagnosis."""

    @transition(field=status, source=[R.DIAGNOSING, R.AWAITING_CONSENT, R.REPAIRING],
                target=R.WAITING_PARTS)
    def wait_for_parts(self):
        """The repair needs parts not yet in stock: they are reserved as they arrive."""

    @transition(field=status, source=[R.DIAGNOSING, R.AWAITING_CONSENT, R.WAITING_PARTS],
                target=R.REPAIRING)
    def start_repair(self):
        """Every part is reserved: the repair starts."""

    @transition(field=status, source=R.DIAGNOSING, target=R.AWAITING_CONSENT,
                conditions=[is_mail_in])
    def await_consent(self):
        """Customer-induced damage: a quote was sent, nothing is done before written consent."""

    @transition(field=status, source=R.REPAIRING, target=R.QUALITY_CHECK)
    def finish_repair(self):
        """The repair is done: the unit goes to quality check."""

    @transition(field=status, source=R.DIAGNOSING, target=R.QUALITY_CHECK)
    def find_no_fault(self):
        """No fault found: the unit is checked and returned as is."""
        self.result = RepairResult.NO_FAULT_FOUND

    @transition(field=status, source=R.QUALITY_CHECK, target=R.REPAIRING)
    def fail_check(self):
        """The quality check failed: back to the bench."""
        self.checks_failed += 1

    @transition(field=status, source=[R.QUALITY_CHECK, R.AWAITING_CONSENT], target=R.SHIPPED_BACK,
                conditions=[is_mail_in])
    def ship_back(self, *, shipment):
        """The unit is on its way back to the customer."""
        self.outbound = shipment

    @transition(field=status, source=R.SHIPPED_BACK, target=R.QUALITY_CHECK,
                conditions=[is_mail_in])
    def return_to_centre(self):
        """The courier brought the parcel back (refused, undeliverable): ship it again."""

    @transition(field=status, source=R.SHIPPED_BACK, target=R.DELIVERED, conditions=[is_mail_in])
    def deliver(self, *, at):
        """The customer has the handset back."""
        self.finished_at = at

    @transition(field=status, source=R.DELIVERED, target=R.CLOSED)
    def close(self):
        """Close the delivered repair."""

    @transition(field=status, source=R.QUALITY_CHECK, target=R.CLOSED, conditions=[is_stock_unit])
    def restock(self, *, at):
        """The repaired unit passed quality check: back in replacement stock, refurbished."""
        self.finished_at = at

    @transition(field=status, source=[R.DIAGNOSING, R.WAITING_PARTS, R.REPAIRING, R.LOST],
                target=R.REPLACED, conditions=[is_mail_in])
    def replace(self):
        """Beyond economic repair (or lost): a swap is ordered instead."""

    @transition(field=status, source=[R.RECEIVED, R.DIAGNOSING, R.WAITING_PARTS, R.REPAIRING,
                                      R.QUALITY_CHECK],
                target=R.RETIRED, conditions=[is_stock_unit])
    def retire(self):
        """The stock unit cannot be repaired: retired with a reason."""

    @transition(field=status, source=[R.AWAITING_UNIT, R.SHIPPED_BACK], target=R.LOST,
                conditions=[is_mail_in])
    def lose(self):
        """The courier lost the parcel (to or from the centre)."""

    @transition(field=status, source=R.AWAITING_UNIT, target=R.CANCELLED)
    def cancel(self):
        """The handset was never sent (reminded, then cancelled), or the case was cancelled."""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REPAIR_STATES
