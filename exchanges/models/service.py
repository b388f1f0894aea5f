"""ServiceOrder and Visit: how a case's outcome is carried out (the swap is in
exchanges.models.swaps, its stock in exchanges.models.stock)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from exchanges.models.quotes import MONEY


class AddressSnapshot(models.Model):
    """The customer's address as it was when the service was ordered."""

    street = models.CharField(_("street"), max_length=200)
    street2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2)
    access_notes = models.CharField(_("access notes"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city} ({self.country})"

    @property
    def map_url(self) -> str:
        """Return the OpenStreetMap search page of the address (a plain link, no script)."""
        query = ", ".join(part for part in (self.street, f"{self.postcode} {self.city}".strip(),
                                            self.country) if part)
        return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


class ServiceOrder(ConcurrentTransitionMixin, AddressSnapshot):
    """What a swap and a visit share: the case, the decision, the fees the quote showed."""

    case = models.ForeignKey("hotline.Case", on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey("exchanges.Decision", on_delete=models.PROTECT, related_name="+")
    quote = models.ForeignKey("exchanges.Quote", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+",
                              help_text=_("The accepted quote of a paid outcome."))
    fault_code = models.ForeignKey("diagnostics.FaultCode", on_delete=models.PROTECT,
                                   related_name="+")
    paid = models.BooleanField(_("paid by the customer"), default=False)
    fees_total = models.DecimalField(_("fees (tax included)"), default=0, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    fee_lines = models.JSONField(
        _("fee lines"), default=list, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("Copied from the accepted quote: no fee may appear that it did not show."),
    )
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(_("ordered at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        abstract = True
        constraints = []


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    SCHEDULED = "scheduled", _("scheduled")
    EN_ROUTE = "en_route", _("en route")
    ON_SITE = "on_site", _("on site")
    COMPLETED = "completed", _("completed")
    ESCALATED = "escalated", _("escalated to a swap")
    NO_ACCESS = "no_access", _("no access")
    CANCELLED = "cancelled", _("cancelled")


OPEN_VISIT_STATES = [VisitStatus.REQUESTED, VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE,
                     VisitStatus.ON_SITE, VisitStatus.NO_ACCESS]
# States in which a visit holds its technician's slot.
SLOT_HOLDING_STATES = [VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE,
                       VisitStatus.COMPLETED, VisitStatus.ESCALATED]


class VisitQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_VISIT_STATES)

    def holding_slots(self):
        return self.filter(status__in=SLOT_HOLDING_STATES)


class Visit(ServiceOrder):
    """A technician's visit at the customer's home within 24 hours."""

    case = models.ForeignKey("hotline.Case", on_delete=models.PROTECT, related_name="visits")
    status = FSMField(_("status"), default=VisitStatus.REQUESTED, choices=VisitStatus.choices,
                      protected=True, db_index=True)
    technician = models.ForeignKey("exchanges.Technician", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="visits",
                                   verbose_name=_("technician"))
    slot_start = models.DateTimeField(_("slot start"), null=True, blank=True, db_index=True)
    slot_end = models.DateTimeField(_("slot end"), null=True, blank=True)
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True,
        help_text=_("When the visit was decided: the 24-hour promise runs from then."),
    )
    en_route_at = models.DateTimeField(_("left for the visit at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("left the site at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.TextField(_("parts used"), blank=True)
    confirmed_fault_code = models.ForeignKey(
        "diagnostics.FaultCode", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("fault code found on site"),
    )
    signed_by = models.CharField(_("customer's name (signature)"), max_length=120, blank=True)
    signature_png = models.BinaryField(
        _("customer's signature (PNG)"), null=True, blank=True, editable=False,
        help_text=_("Drawn on the technician's screen; shown on the visit report."))

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        permissions = [
            ("work_visit_rounds", _("Can see the visit day sheet and work the visits on it")),
            ("dispatch_visits",
             _("Can see every technician's visits and the visit measures")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status__in=OPEN_VISIT_STATES),
                name="visit_one_open_per_case"),
            models.UniqueConstraint(
                fields=["technician", "slot_start"],
                condition=models.Q(status__in=SLOT_HOLDING_STATES),
                name="visit_slot_booked_once"),
            models.CheckConstraint(condition=models.Q(fees_total__gte=0),
                                   name="visit_fees_not_negative"),
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "cancelled"])
                | models.Q(technician__isnull=False, slot_start__isnull=False,
                           slot_end__isnull=False),
                name="visit_scheduled_has_slot"),
        ]

    def __str__(self):
        return f"visit {self.pk} ({self.status})"

    @property
    def has_report(self) -> bool:
        """Return whether the technician wrote the visit's report (fixed or escalated)."""
        return self.status in (VisitStatus.COMPLETED, VisitStatus.ESCALATED)

    @property
    def time_on_site(self):
        if self.on_site_at and self.finished_at:
            return self.finished_at - self.on_site_at
        return None

    # Transitions only set fields; exchanges.visits.services runs them.
    @transition(field=status, source=[VisitStatus.REQUESTED, VisitStatus.NO_ACCESS],
                target=VisitStatus.SCHEDULED)
    def schedule(self, *, technician, start, end):
        """Book the visit in a technician's slot."""
        self.technician, self.slot_start, self.slot_end = technician, start, end
        self.en_route_at = self.on_site_at = self.finished_at = None

    @transition(field=status, source=VisitStatus.SCHEDULED, target=VisitStatus.EN_ROUTE)
    def start_route(self, *, at):
        """The technician leaves for the customer."""
        self.en_route_at = at

    @transition(field=status, source=VisitStatus.EN_ROUTE, target=VisitStatus.ON_SITE)
    def arrive(self, *, at):
        """The technician is at the customer's."""
        self.on_site_at = at

    @transition(field=status, source=VisitStatus.ON_SITE, target=VisitStatus.COMPLETED)
    def complete(self, *, at):
        """The fault is fixed on site."""
        self.finished_at = at

    @transition(field=status, source=VisitStatus.ON_SITE, target=VisitStatus.ESCALATED)
    def escalate(self, *, at):
        """The fault cannot be fixed on site: a swap is ordered."""
        self.finished_at = at

    @transition(field=status, source=VisitStatus.ON_SITE, target=VisitStatus.NO_ACCESS)
    def report_no_access(self, *, at):
        """Nobody let the technician in: the visit is to be scheduled again."""
        self.finished_at = at

    @transition(field=status, source=OPEN_VISIT_STATES, target=VisitStatus.CANCELLED)
    def cancel(self):
        """Cancel the visit."""


def default_working_hours() -> dict:
    return {str(day): ["08:00", "18:00"] for day in range(5)}


class TechnicianQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Technician(models.Model):
    """A field technician: where they work and which handsets they know."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="technician")
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, default="FR")
    postcode_prefixes = models.JSONField(
        _("territory (postcode prefixes)"), default=list, blank=True,
        help_text=_('e.g. ["75", "92"]; a full postcode is a prefix too.'),
    )
    families = models.JSONField(
        _("skills (model families)"), default=list, blank=True,
        help_text=_("Empty: every family."),
    )
    categories = models.JSONField(
        _("skills (fault categories)"), default=list, blank=True,
        help_text=_("Empty: every category."),
    )
    working_hours = models.JSONField(
        _("working hours"), default=default_working_hours, blank=True,
        help_text=_('Per weekday (0 = Monday): ["08:00", "18:00"]; a missing day is not worked.'),
    )
    days_off = models.JSONField(_("days off"), default=list, blank=True,
                                help_text=_('ISO dates, e.g. ["2026-12-24"].'))
    max_visits_per_day = models.PositiveSmallIntegerField(_("max visits per day"), default=5)
    home_base = models.CharField(_("home base"), max_length=200, blank=True,
                                 help_text=_("Where the technician starts the day."))
    active = models.BooleanField(_("active"), default=True)

    objects = TechnicianQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")

    def __str__(self):
        return self.name

    def covers(self, *, postcode: str, country: str, family: str = "", category: str = "") -> bool:
        """Return whether the technician works at this postcode and has the skills."""
        postcode = (postcode or "").replace(" ", "")
        in_area = country.upper() == self.country and any(
            postcode.startswith(prefix.replace(" ", "")) for prefix in self.postcode_prefixes)
        knows_model = not self.families or not family or family in self.families
        knows_fault = not self.categories or not category or category in self.categories
        return in_area and knows_model and knows_fault
