"""Service points (authorised repair shops) and the referrals of cases to them."""

import datetime
import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

WEEKDAYS = range(7)
_RANGE = re.compile(r"^(?P<low>[0-9A-Z]+)-(?P<high>[0-9A-Z]+)$")


def default_opening_hours() -> dict:
    return {str(day): [["09:00", "18:00"]] for day in range(5)}


def normalise_postcode(value: str) -> str:
    return (value or "").replace(" ", "").upper()


def postcode_served(rule: str, postcode: str) -> bool:
    """Return whether `postcode` matches one rule: a prefix ("75") or a range ("75001-75020")."""
    rule, postcode = normalise_postcode(rule), normalise_postcode(postcode)
    found = _RANGE.match(rule)
    if found is None:
        return bool(rule) and postcode.startswith(rule)
    low, high = found["low"], found["high"]
    if len(postcode) != len(low):
        return False
    return low <= postcode <= high


def postcode_distance(a: str, b: str) -> int:
    """Return how far apart two postcodes are, by their numbers (unknown: very far).

    Postcodes are numbered by area (French départements, then towns), so the difference of
    their numbers orders service points from near to far without a map."""
    a, b = normalise_postcode(a), normalise_postcode(b)
    if a.isdigit() and b.isdigit() and len(a) == len(b):
        return abs(int(a) - int(b))
    return 10 ** 9


class ServicePointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ServicePoint(models.Model):
    """An authorised repair shop: where it is, when it opens, what and whom it serves."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="FR")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/Paris")
    opening_hours = models.JSONField(
        _("opening hours"), default=default_opening_hours, blank=True,
        help_text=_('Per weekday (0 = Monday): [["09:00", "12:00"], ["14:00", "18:00"]]; a '
                    'missing day is closed.'))
    holidays = models.JSONField(_("closed on"), default=list, blank=True,
                                help_text=_('ISO dates, e.g. ["2026-12-24"].'))
    brands = models.JSONField(_("brands repaired"), default=list, blank=True,
                              help_text=_("Empty: every brand."))
    families = models.JSONField(_("model families repaired"), default=list, blank=True,
                                help_text=_("Empty: every family of the brands."))
    postcodes = models.JSONField(
        _("postcodes served"), default=list, blank=True,
        help_text=_('Prefixes or ranges, e.g. ["75", "92100-92190"].'))
    daily_capacity = models.PositiveSmallIntegerField(_("daily capacity"), default=10)
    walk_in = models.BooleanField(_("walk-in"), default=True)
    appointment = models.BooleanField(_("by appointment"), default=False)
    what_to_bring = models.TextField(
        _("what to bring"), blank=True,
        help_text=_("Told to the customer; the usual list is sent when empty."))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                   related_name="service_points", verbose_name=_("staff"))
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.CheckConstraint(condition=models.Q(walk_in=True) | models.Q(appointment=True),
                                   name="servicepoint_walk_in_or_appointment"),
        ]

    def __str__(self):
        return self.name

    @property
    def address_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    def repairs(self, model) -> bool:
        """Return whether the shop repairs handsets of this model."""
        if model is None:
            return False
        brand_ok = not self.brands or model.brand.lower() in {b.lower() for b in self.brands}
        family_ok = not self.families or (model.family or "") in self.families
        return brand_ok and family_ok

    def serves(self, *, postcode: str, country: str) -> bool:
        return (country or "").upper() == self.country.upper() and any(
            postcode_served(rule, postcode) for rule in self.postcodes)

    def hours_on(self, day: datetime.date) -> list[list[str]]:
        """Return the opening ranges of `day` (empty: closed, a weekday off or a holiday)."""
        if day.isoformat() in self.holidays:
            return []
        return self.opening_hours.get(str(day.weekday()), [])

    def next_open_day(self, start: datetime.date, *, limit: int = 30) -> datetime.date | None:
        for offset in range(limit):
            day = start + datetime.timedelta(days=offset)
            if self.hours_on(day):
                return day
        return None

    def hours_lines(self) -> list[tuple[int, str]]:
        """(weekday, "09:00–12:00, 14:00–18:00") for every weekday, "" when closed."""
        return [(day, ", ".join(f"{start}–{end}" for start, end in
                                self.opening_hours.get(str(day), [])))
                for day in WEEKDAYS]


class ReferralStatus(models.TextChoices):
    AWAITING_DROP_OFF = "awaiting_drop_off", _("awaiting drop-off")
    RECEIVED = "received", _("at the service point")
    REPAIRED = "repaired", _("repaired, ready for collection")
    NOT_REPAIRED = "not_repaired", _("not repaired, ready for collection")
    HANDED_BACK = "handed_back", _("handed back")
    NO_SHOW = "no_show", _("never dropped off")
    CANCELLED = "cancelled", _("cancelled")


OPEN_REFERRAL_STATES = [ReferralStatus.AWAITING_DROP_OFF, ReferralStatus.RECEIVED,
                        ReferralStatus.REPAIRED, ReferralStatus.NOT_REPAIRED]


class ReferralOutcome(models.TextChoices):
    REPAIRED = "repaired", _("repaired")
    NO_FAULT_FOUND = "nff", _("no fault found")
    NOT_REPAIRABLE = "not_repairable", _("not repairable")
    CUSTOMER_DECLINED = "declined", _("customer declined the cost")


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REFERRAL_STATES)


class Referral(ConcurrentTransitionMixin, models.Model):
    """A case sent to a service point: the drop-off, the shop's repair, the hand-back."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    case = models.ForeignKey("hotline.Case", on_delete=models.PROTECT, related_name="referrals")
    decision = models.ForeignKey("exchanges.Decision", on_delete=models.PROTECT,
                                 related_name="+", null=True, blank=True)
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="referrals", verbose_name=_("service point"))
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    status = FSMField(_("status"), default=ReferralStatus.AWAITING_DROP_OFF,
                      choices=ReferralStatus.choices, protected=True, db_index=True)
    drop_off_day = models.DateField(_("expected drop-off day"), db_index=True)
    slot_start = models.DateTimeField(_("drop-off appointment"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_imei = models.CharField(_("IMEI received"), max_length=15, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices,
                               blank=True)
    outcome_notes = models.TextField(_("repair notes"), blank=True)
    component = models.CharField(_("component replaced or at fault"), max_length=60,
                                 blank=True)
    root_cause = models.CharField(_("root cause"), max_length=200, blank=True)
    outcome_at = models.DateTimeField(_("repair finished at"), null=True, blank=True)
    handed_back_at = models.DateTimeField(_("handed back at"), null=True, blank=True)
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral to a service point")
        verbose_name_plural = _("referrals to service points")
        constraints = [
            models.UniqueConstraint(fields=["case"],
                                    condition=models.Q(status__in=OPEN_REFERRAL_STATES),
                                    name="referral_one_open_per_case"),
        ]

    def __str__(self):
        return self.reference

    # Transitions only set fields; repairs.services.referrals runs them.
    @transition(field=status, source=ReferralStatus.AWAITING_DROP_OFF,
                target=ReferralStatus.RECEIVED)
    def receive(self, *, imei: str = ""):
        """The customer dropped the handset off at the service point."""
        self.received_at, self.received_imei = timezone.now(), imei

    @transition(field=status, source=ReferralStatus.RECEIVED, target=ReferralStatus.REPAIRED)
    def repair(self, *, outcome, notes, component="", root_cause=""):
        """The shop repaired the handset (or found no fault): ready for collection."""
        self._set_outcome(outcome, notes, component, root_cause)

    @transition(field=status, source=ReferralStatus.RECEIVED, target=ReferralStatus.NOT_REPAIRED)
    def give_up(self, *, outcome, notes, component="", root_cause=""):
        """The shop could not (or was not allowed to) repair it: ready for collection."""
        self._set_outcome(outcome, notes, component, root_cause)

    @transition(field=status, source=[ReferralStatus.REPAIRED, ReferralStatus.NOT_REPAIRED],
                target=ReferralStatus.HANDED_BACK)
    def hand_back(self):
        """The customer collected the handset."""
        self.handed_back_at = timezone.now()

    @transition(field=status, source=ReferralStatus.AWAITING_DROP_OFF,
                target=ReferralStatus.NO_SHOW)
    def miss_drop_off(self):
        """The handset was never brought in."""

    @transition(field=status, source=[ReferralStatus.AWAITING_DROP_OFF, ReferralStatus.RECEIVED],
                target=ReferralStatus.CANCELLED)
    def cancel(self):
        """Cancel the referral."""

    def _set_outcome(self, outcome, notes, component, root_cause):
        self.outcome, self.outcome_notes = outcome, notes
        self.component, self.root_cause = component, root_cause
        self.outcome_at = timezone.now()
