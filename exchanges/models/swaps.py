"""The home swap: a like-for-like replacement delivered and the faulty unit collected in one
courier visit, its promise, its exceptions, the returned unit's inspection and the IMEI ledger.

Transitions only set fields; exchanges.swaps.services runs them through hotline.workflow.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from exchanges.models.quotes import MONEY
from exchanges.models.service import ServiceOrder


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    RESERVED = "reserved", _("reserved")
    BACKORDERED = "backordered", _("backordered")
    BOOKED = "booked", _("booked")
    IN_TRANSIT = "in_transit", _("in transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
    DELIVERED = "delivered", _("delivered")
    DELIVERY_FAILED = "delivery_failed", _("delivery failed")
    HELD_AT_DEPOT = "held_at_depot", _("held at depot")
    RETURNED_TO_SENDER = "returned_to_sender", _("returned to sender")
    LOST = "lost", _("lost")
    RETURN_IN_TRANSIT = "return_in_transit", _("return in transit")
    RETURN_RECEIVED = "return_received", _("return received")
    INSPECTED = "inspected", _("inspected")
    FAULTY_NOT_RETURNED = "faulty_not_returned", _("faulty unit not returned")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


S = SwapStatus
OPEN_SWAP_STATES = [s for s in SwapStatus.values if s not in (S.CLOSED, S.CANCELLED)]
# Replacement on its way to the customer.
OUTBOUND_STATES = [S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED,
                   S.HELD_AT_DEPOT]
# States an operator has to work: the exceptions queue.
EXCEPTION_STATES = [S.DELIVERY_FAILED, S.HELD_AT_DEPOT, S.RETURNED_TO_SENDER, S.LOST,
                    S.FAULTY_NOT_RETURNED, S.BACKORDERED]
# A delivery promise is running: reserved, or on its way to the customer.
PROMISE_RUNNING_STATES = [S.RESERVED, *OUTBOUND_STATES]
# A courier's refusal to book still matters: the replacement has not reached the customer.
REFUSAL_MATTERS_STATES = [S.RESERVED, *OUTBOUND_STATES, S.RETURNED_TO_SENDER, S.LOST]
# The faulty unit is on its way back or received, to inspect.
RETURNING_STATES = [S.RETURN_IN_TRANSIT, S.RETURN_RECEIVED]
# Cancelling gives the unit back to stock; nothing has left the warehouse yet (or it came back).
CANCELLABLE_STATES = [S.REQUESTED, S.RESERVED, S.BACKORDERED, S.RETURNED_TO_SENDER]


class InspectionOutcome(models.TextChoices):
    FAULT_CONFIRMED = "fault_confirmed", _("fault confirmed")
    NO_FAULT_FOUND = "no_fault_found", _("no fault found")
    CUSTOMER_DAMAGE = "customer_damage", _("customer-induced damage")
    ACTIVATION_LOCK = "activation_lock", _("activation lock on")
    DATA_NOT_WIPED = "data_not_wiped", _("data not wiped")


class SwapQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_SWAP_STATES)

    def exceptions(self):
        """In an exception state an operator works (failed, held, returned, lost, ...)."""
        return self.filter(status__in=EXCEPTION_STATES)

    def awaiting_delivery(self):
        """Reserved or on its way: a delivery promise is running."""
        return self.filter(status__in=PROMISE_RUNNING_STATES)

    def late(self, now=None):
        """Not delivered by the promise."""
        return self.awaiting_delivery().filter(promised_by__lt=now or timezone.now())

    def due_between(self, start, end):
        return self.awaiting_delivery().filter(promised_by__gte=start, promised_by__lt=end)

    def booking_refused(self):
        """The courier refused the booking (its words on the swap), while it still matters."""
        return self.filter(status__in=REFUSAL_MATTERS_STATES).exclude(booking_error="")

    def to_work(self, now=None):
        """The exceptions queue: exceptions, late, refused by the courier."""
        now = now or timezone.now()
        return self.filter(Q(status__in=EXCEPTION_STATES)
                           | Q(status__in=PROMISE_RUNNING_STATES, promised_by__lt=now)
                           | (Q(status__in=REFUSAL_MATTERS_STATES) & ~Q(booking_error="")))

    def returning(self):
        """The faulty unit is on its way back or received, to inspect."""
        return self.filter(status__in=RETURNING_STATES)

    def with_exception_kind(self, now=None):
        """Annotate `exception_kind`: why the swap is (or would be) in the queue."""
        now = now or timezone.now()
        return self.annotate(exception_kind=Case(
            When(~Q(booking_error=""), then=Value("booking_refused")),
            When(status__in=EXCEPTION_STATES, then=F("status")),
            When(status__in=PROMISE_RUNNING_STATES, promised_by__lt=now, then=Value("late")),
            default=F("status"), output_field=models.CharField()))


class Swap(ServiceOrder):
    """A like-for-like replacement delivered at home, the faulty unit collected in one visit."""

    case = models.ForeignKey("hotline.Case", on_delete=models.PROTECT, related_name="swaps")
    status = FSMField(_("status"), default=SwapStatus.REQUESTED, choices=SwapStatus.choices,
                      protected=True, db_index=True)
    model = models.ForeignKey("hotline.HandsetModel", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("replacement model"))
    variant = models.ForeignKey("hotline.ModelVariant", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+",
                                verbose_name=_("replacement variant"))
    warranty_end = models.DateField(
        _("warranty end of the replacement"), null=True, blank=True,
        help_text=_("A replacement keeps the warranty end of the handset it replaces."),
    )
    # Stock and promise
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True,
                                      help_text=_("The 24-hour measure runs from then."))
    warehouse = models.ForeignKey("exchanges.Warehouse", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="swaps", verbose_name=_("warehouse"))
    unit = models.ForeignKey("exchanges.ReplacementUnit", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="swaps",
                             verbose_name=_("replacement unit"))
    promised_by = models.DateTimeField(_("promised delivery by"), null=True, blank=True,
                                       db_index=True)
    promise_reasons = models.JSONField(_("why this promise"), default=list, blank=True)
    ship_on = models.DateField(_("dispatch on"), null=True, blank=True,
                               help_text=_("A later day the customer chose for the delivery."))
    unreturned_charge = models.DecimalField(
        _("charge if the faulty unit is not returned"), null=True, blank=True,
        help_text=_("Stated in the written confirmation; nothing else may be charged."), **MONEY)
    backorder_until = models.DateField(_("expected back in stock"), null=True, blank=True)
    # Where the courier goes
    recipient_name = models.CharField(_("recipient"), max_length=120, blank=True)
    recipient_phone = models.CharField(_("phone for the courier"), max_length=30, blank=True)
    # Booking
    booking_attempt = models.PositiveSmallIntegerField(_("booking attempt"), default=0)
    booking_error = models.TextField(_("courier's last refusal"), blank=True)
    outbound = models.ForeignKey("carriers.Shipment", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("delivery"))
    collection = models.ForeignKey("carriers.Shipment", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("collection"))
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Exceptions
    hold_until = models.DateTimeField(_("held at the depot until"), null=True, blank=True)
    hold_location = models.CharField(_("depot"), max_length=200, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    charge_amount = models.DecimalField(_("unreturned device charge"), null=True, blank=True,
                                        **MONEY)
    charged_at = models.DateTimeField(_("charged at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    # The returned unit and the IMEI ledger
    original_handset = models.ForeignKey(
        "hotline.Handset", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("faulty handset"))
    replacement_handset = models.ForeignKey(
        "hotline.Handset", on_delete=models.PROTECT, null=True, blank=True,
        related_name="replaces", verbose_name=_("replacement handset"))
    return_received_at = models.DateTimeField(_("return received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SwapQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("swap")
        verbose_name_plural = _("swaps")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=OPEN_SWAP_STATES),
                                    name="swap_one_open_per_case"),
            # A unit is held by one swap at most: two swaps never get the same unit.
            models.UniqueConstraint(fields=["unit"], name="swap_unit_held_once"),
            models.CheckConstraint(condition=models.Q(fees_total__gte=0),
                                   name="swap_fees_not_negative"),
        ]

    def __str__(self):
        return f"swap {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SWAP_STATES

    @property
    def on_time(self) -> bool | None:
        if self.delivered_at is None or self.promised_by is None:
            return None
        return self.delivered_at <= self.promised_by

    @transition(field=status, source=S.REQUESTED, target=S.RESERVED)
    def reserve(self, *, unit, warehouse, promise):
        """A like-for-like unit is reserved; the promise is set."""
        self.unit, self.warehouse = unit, warehouse
        self.promised_by, self.promise_reasons = promise.deliver_by, list(promise.reasons)

    @transition(field=status, source=S.REQUESTED, target=S.BACKORDERED)
    def backorder(self, *, until):
        """No like-for-like unit anywhere: wait for stock, with an honest date."""
        self.backorder_until = until

    @transition(field=status, source=S.BACKORDERED, target=S.RESERVED)
    def restock(self, *, unit, warehouse, promise):
        """Stock came back: the unit is reserved and a new promise set."""
        self.unit, self.warehouse = unit, warehouse
        self.promised_by, self.promise_reasons = promise.deliver_by, list(promise.reasons)

    @transition(field=status, source=[S.RESERVED, S.BOOKED, S.DELIVERY_FAILED, S.HELD_AT_DEPOT,
                                      S.RETURNED_TO_SENDER, S.LOST], target=S.BOOKED)
    def book(self, *, outbound, collection, at):
        """The courier took the booking: delivery and collection in one visit (again, when the
        customer changes the address or the day before the parcel is picked up)."""
        self.outbound, self.collection, self.booked_at = outbound, collection, at
        self.booking_error = ""
        self.hold_until, self.hold_location = None, ""

    @transition(field=status, source=[S.BOOKED], target=S.IN_TRANSIT)
    def ship(self):
        """The courier picked the replacement up."""

    @transition(field=status, source=[S.BOOKED, S.IN_TRANSIT, S.DELIVERY_FAILED, S.HELD_AT_DEPOT],
                target=S.OUT_FOR_DELIVERY)
    def send_out(self):
        """The replacement is out for delivery."""

    @transition(field=status, source=[S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY,
                                      S.DELIVERY_FAILED, S.HELD_AT_DEPOT], target=S.DELIVERED)
    def deliver(self, *, at):
        """The customer has the replacement."""
        self.delivered_at = at
        self.hold_until = None

    @transition(field=status, source=[S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY],
                target=S.DELIVERY_FAILED)
    def fail_delivery(self):
        """The courier could not deliver."""

    @transition(field=status, source=[S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY,
                                      S.DELIVERY_FAILED], target=S.HELD_AT_DEPOT)
    def hold(self, *, until, location):
        """The parcel waits at a depot for the customer."""
        self.hold_until, self.hold_location = until, location
        self.reminders_sent = 0

    @transition(field=status, source=OUTBOUND_STATES, target=S.RETURNED_TO_SENDER)
    def return_to_sender(self):
        """The parcel went back to the warehouse."""
        self.hold_until = None

    @transition(field=status, source=OUTBOUND_STATES, target=S.LOST)
    def lose(self):
        """The courier lost the parcel."""

    @transition(field=status, source=[S.DELIVERED, S.FAULTY_NOT_RETURNED],
                target=S.RETURN_IN_TRANSIT)
    def ship_return(self):
        """The faulty unit was collected and is on its way."""

    @transition(field=status, source=[S.DELIVERED, S.RETURN_IN_TRANSIT, S.FAULTY_NOT_RETURNED],
                target=S.RETURN_RECEIVED)
    def receive_return(self, *, at):
        """The faulty unit reached the repair centre."""
        self.return_received_at = at

    @transition(field=status, source=S.RETURN_RECEIVED, target=S.INSPECTED)
    def inspect(self):
        """The repair centre inspected the returned unit."""

    @transition(field=status, source=S.DELIVERED, target=S.FAULTY_NOT_RETURNED)
    def miss_return(self):
        """The faulty unit was not handed over: reminders start."""
        self.reminders_sent = 0

    @transition(field=status, source=S.INSPECTED, target=S.CLOSED)
    def close(self, *, at):
        """Everything is settled."""
        self.closed_at = at

    @transition(field=status, source=S.FAULTY_NOT_RETURNED, target=S.CLOSED)
    def charge(self, *, amount, at):
        """The faulty unit never came back: the charge the terms stated."""
        self.charge_amount, self.charged_at, self.closed_at = amount, at, at

    @transition(field=status, source=S.LOST, target=S.CLOSED)
    def refund(self, *, at):
        """The customer chose a refund for a parcel the courier lost."""
        self.refunded_at, self.closed_at = at, at

    @transition(field=status, source=CANCELLABLE_STATES, target=S.CANCELLED)
    def cancel(self):
        """Cancel the swap; its unit goes back to stock."""
        self.unit = None


class SwapInspection(models.Model):
    """What the repair centre found in the returned faulty unit."""

    swap = models.OneToOneField(Swap, on_delete=models.PROTECT, related_name="inspection")
    received_imei = models.CharField(_("IMEI received"), max_length=15)
    imei_matches = models.BooleanField(_("IMEI matches the customer's handset"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=InspectionOutcome.choices)
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("fault code"))
    notes = models.TextField(_("notes"), blank=True)
    unit = models.OneToOneField("exchanges.ReplacementUnit", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="inspection",
                                verbose_name=_("unit in repair or quarantine"))
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    class Meta:
        ordering = ["-inspected_at"]
        verbose_name = _("returned unit inspection")
        verbose_name_plural = _("returned unit inspections")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="fault_confirmed") | models.Q(fault_code__isnull=False),
                name="inspection_confirmed_fault_has_code"),
        ]

    def __str__(self):
        return f"inspection of swap {self.swap_id}: {self.outcome}"
