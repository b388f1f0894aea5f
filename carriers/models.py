"""Shipments at a courier and what the courier reported about them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carriers.domain import (
    FINAL_STATUSES,
    Address,
    Direction,
    FailureReason,
    Parcel,
    Service,
    TrackingStatus,
)


class ShipmentStatus(models.TextChoices):
    """The tracking vocabulary, plus `pending`: asked of the courier, not yet confirmed."""

    PENDING = "pending", _("booking pending")
    BOOKED = TrackingStatus.BOOKED.value, TrackingStatus.BOOKED.label
    PICKED_UP = TrackingStatus.PICKED_UP.value, TrackingStatus.PICKED_UP.label
    IN_TRANSIT = TrackingStatus.IN_TRANSIT.value, TrackingStatus.IN_TRANSIT.label
    OUT_FOR_DELIVERY = TrackingStatus.OUT_FOR_DELIVERY.value, TrackingStatus.OUT_FOR_DELIVERY.label
    DELIVERED = TrackingStatus.DELIVERED.value, TrackingStatus.DELIVERED.label
    DELIVERY_FAILED = TrackingStatus.DELIVERY_FAILED.value, TrackingStatus.DELIVERY_FAILED.label
    HELD_AT_DEPOT = TrackingStatus.HELD_AT_DEPOT.value, TrackingStatus.HELD_AT_DEPOT.label
    RETURNED_TO_SENDER = (TrackingStatus.RETURNED_TO_SENDER.value,
                          TrackingStatus.RETURNED_TO_SENDER.label)
    LOST = TrackingStatus.LOST.value, TrackingStatus.LOST.label
    EXCEPTION = TrackingStatus.EXCEPTION.value, TrackingStatus.EXCEPTION.label
    CANCELLED = "cancelled", _("cancelled")


class ShipmentQuerySet(models.QuerySet):
    def open(self):
        """Shipments the courier may still report on."""
        return self.exclude(status__in=[*FINAL_STATUSES, ShipmentStatus.PENDING,
                                        ShipmentStatus.CANCELLED])

    def due_for_poll(self, *, quiet_since, booked_after):
        """Open shipments booked after `booked_after`, with no event (and no poll) since
        `quiet_since`."""
        return self.open().filter(
            Q(last_event_at__lt=quiet_since) | Q(last_event_at__isnull=True),
            Q(last_polled_at__lt=quiet_since) | Q(last_polled_at__isnull=True),
            booked_at__lt=quiet_since, booked_at__gte=booked_after,
        )


def _label_path(instance, filename):
    return f"carriers/{instance.carrier}/{timezone.now():%Y/%m}/{filename}"


class Shipment(models.Model):
    """One parcel movement at a courier: outbound to a customer, or a return collected."""

    carrier = models.CharField(_("carrier"), max_length=30)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    tracking_number_valid = models.BooleanField(
        _("tracking number passes its check"), default=True,
        help_text=_("False when the courier gave a number whose check digit is wrong."))
    piece_numbers = models.JSONField(_("piece numbers"), default=list, blank=True)
    carrier_reference = models.CharField(
        _("carrier reference"), max_length=60, blank=True,
        help_text=_("The courier's pickup confirmation number, quoted to cancel a collection."))
    reference = models.CharField(_("our reference"), max_length=60, blank=True, db_index=True)
    booking_key = models.CharField(_("booking key"), max_length=120)
    visit_partner = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("same visit as"),
        help_text=_("The other half of a delivery-and-collection visit."))
    sender = models.JSONField(_("sender"))
    recipient = models.JSONField(_("recipient"))
    parcels = models.JSONField(_("parcels"))
    ship_date = models.DateField(_("ship date"))
    label_pdf = models.FileField(_("label (PDF)"), upload_to=_label_path, blank=True)
    label_zpl = models.FileField(_("label (ZPL)"), upload_to=_label_path, blank=True)
    carrier_label = models.FileField(_("courier's own label"), upload_to=_label_path, blank=True)
    slip_pdf = models.FileField(_("customer slip (PDF)"), upload_to=_label_path, blank=True)
    # No index of its own: the (status, last_event_at) index serves a look-up by status, and
    # every tracking event that moves a parcel rewrites its entries.
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.PENDING)
    status_reason = models.CharField(_("failure reason"), max_length=20, blank=True,
                                     choices=FailureReason.choices)
    status_at = models.DateTimeField(_("status since"), null=True, blank=True)
    booking_started_at = models.DateTimeField(default=timezone.now)
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event received"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], condition=~Q(tracking_number=""),
                name="shipment_tracking_number_unique_per_carrier"),
            models.UniqueConstraint(fields=["booking_key", "direction"],
                                    name="shipment_one_per_booking_and_direction"),
            models.CheckConstraint(
                condition=Q(status_reason="") | Q(status=ShipmentStatus.DELIVERY_FAILED),
                name="shipment_reason_only_when_delivery_failed"),
        ]
        indexes = [
            models.Index(fields=["status", "last_event_at"]),
            # Every tracking event looks its shipment up by number; the unique constraint is
            # partial (numbers may be blank while pending), which planners may not use.
            models.Index(fields=["tracking_number"], name="shipment_tracking_number_idx"),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number or _('(pending)')}"

    @property
    def sender_address(self) -> Address:
        return Address.from_dict(self.sender)

    @property
    def recipient_address(self) -> Address:
        return Address.from_dict(self.recipient)

    @property
    def parcel_list(self) -> list[Parcel]:
        return [Parcel.from_dict(p) for p in self.parcels]

    @property
    def total_weight_kg(self):
        return sum((p.weight_kg for p in self.parcel_list), start=0)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES or self.status == ShipmentStatus.CANCELLED


class TrackingEvent(models.Model):
    """One thing the courier reported, normalised, with its own code and words kept."""

    class Source(models.TextChoices):
        BOOKING = "booking", _("booking")
        WEBHOOK = "webhook", _("webhook")
        POLL = "poll", _("poll")

    # Indexed by the unique (shipment, dedupe_key) constraint, which leads with it.
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events",
                                 db_index=False)
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    reason = models.CharField(_("reason"), max_length=20, blank=True,
                              choices=FailureReason.choices)
    raw_code = models.CharField(_("courier's code"), max_length=20, blank=True)
    raw_text = models.CharField(_("courier's text"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    dedupe_key = models.CharField(max_length=64)
    applied = models.BooleanField(
        _("moved the status"), default=False,
        help_text=_("False for an event that arrived late and was kept for the record only."))

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "dedupe_key"],
                                    name="tracking_event_once_per_shipment"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status} ({self.raw_code})"


class SandboxParcel(models.Model):
    """The sandbox courier's own books: what it was asked to carry and how its story goes.

    Only the simulated courier reads and writes this table; it stands for a real courier's
    database, so that its timeline survives restarts.
    """

    tracking_number = models.CharField(max_length=20, unique=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    scenario = models.CharField(max_length=30)
    booked_at = models.DateTimeField()
    released = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many of its scheduled events were already pushed."))
    cancelled = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["booked_at", "id"]
        verbose_name = _("sandbox parcel")
        verbose_name_plural = _("sandbox parcels")

    def __str__(self):
        return f"{self.tracking_number} ({self.scenario})"
