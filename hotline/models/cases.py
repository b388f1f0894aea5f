from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from hotline.case_guards import case_blockers, services_allow
from hotline.models.handsets import Handset
from hotline.models.parties import Customer, Distributor


class Sequence(models.Model):
    """A named counter, incremented under a row lock so that numbers are never reused."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


class CaseChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    DISTRIBUTOR = "distributor", _("distributor")
    WEB = "web", _("web")


class Symptom(models.TextChoices):
    """What the customer reports; diagnostic scripts are written per symptom."""

    WONT_POWER_ON = "wont_power_on", _("won't power on")
    BATTERY_DRAIN = "battery_drain", _("battery drains fast")
    WONT_CHARGE = "wont_charge", _("won't charge")
    NO_NETWORK = "no_network", _("no network / SIM not detected")
    SCREEN = "screen", _("screen dead, cracked or touch not responding")
    AUDIO = "audio", _("no sound or microphone")
    CAMERA = "camera", _("camera fault")
    SOFTWARE = "software", _("apps crash, frozen or boot loop")
    OVERHEATING = "overheating", _("overheating")
    LIQUID = "liquid", _("liquid contact")
    OTHER = "other", _("other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    DIAGNOSING = "diagnosing", _("diagnosing")
    ADVISED = "advised", _("advised")
    AWAITING_CONSENT = "awaiting_consent", _("awaiting consent")
    IN_SERVICE = "in_service", _("in service")
    REFERRED = "referred", _("referred")
    DECLINED = "declined", _("declined")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_CASE_STATES = [
    CaseStatus.OPEN,
    CaseStatus.DIAGNOSING,
    CaseStatus.ADVISED,
    CaseStatus.AWAITING_CONSENT,
    CaseStatus.IN_SERVICE,
    CaseStatus.REFERRED,
    CaseStatus.DECLINED,
    CaseStatus.RESOLVED,
]


# States a case rests in during its follow-up window: a repeat contact reopens it, the end of
# the window closes it.
SETTLED_CASE_STATES = [
    CaseStatus.ADVISED,
    CaseStatus.RESOLVED,
    CaseStatus.DECLINED,
    CaseStatus.REFERRED,
]


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_CASE_STATES)

    def settled(self):
        return self.filter(status__in=SETTLED_CASE_STATES)

    def follow_up_over(self, *, before):
        """Settled cases whose follow-up window ended before `before`."""
        return self.settled().filter(settled_at__lt=before)

    def visible_to_distributor(self, distributor):
        return self.filter(models.Q(distributor=distributor) | models.Q(handset__sold_by=distributor))


class Case(ConcurrentTransitionMixin, models.Model):
    """A customer's after-sales request about one handset."""

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="cases", verbose_name=_("customer")
    )
    handset = models.ForeignKey(
        Handset, on_delete=models.PROTECT, related_name="cases", verbose_name=_("handset"),
        null=True, blank=True,
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="cases", null=True, blank=True,
        verbose_name=_("opened by distributor"),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=CaseChannel.choices, default=CaseChannel.PHONE
    )
    symptom = models.CharField(_("symptom"), max_length=30, choices=Symptom.choices)
    description = models.TextField(_("what the customer says"), blank=True)
    status = FSMField(
        _("status"), default=CaseStatus.OPEN, choices=CaseStatus.choices, protected=True,
        db_index=True,
    )
    settled_at = models.DateTimeField(
        _("settled at"), null=True, blank=True, db_index=True,
        help_text=_("When the case reached advised, resolved, declined or referred: its "
                    "follow-up window starts then."),
    )
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("override_decision", _("Can override a proposed decision")),
            ("cancel_in_service", _("Can cancel a case in service")),
            ("work_cases", _("Can work on customers and cases in the console and the API")),
            ("follow_distributor_cases", _("Can follow a distributor's cases through the API")),
            ("view_api_docs", _("Can read the API documentation")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATES

    def transition_refusals(self, name: str) -> list[str]:
        """Why the case's service records refuse transition `name` now (hotline.case_guards)."""
        return case_blockers(self, name)

    # Transitions only set fields; services call them (through hotline.workflow.transition),
    # save and write the audit event. Conditions that need other apps (a recorded consent, a
    # confirmed decision) are guarded by the services, which own those records.
    @transition(field=status, source=CaseStatus.OPEN, target=CaseStatus.DIAGNOSING)
    def start_diagnosis(self):
        """Start the guided diagnosis."""

    @transition(field=status, source=CaseStatus.DIAGNOSING, target=CaseStatus.ADVISED)
    def advise(self):
        """Record that the fault was fixed by advice on the phone."""
        self.settled_at = timezone.now()

    @transition(field=status, source=CaseStatus.DIAGNOSING, target=CaseStatus.AWAITING_CONSENT)
    def await_consent(self):
        """Wait for the customer's written consent to a quote."""

    @transition(field=status, source=CaseStatus.DIAGNOSING, target=CaseStatus.IN_SERVICE)
    def start_service(self):
        """Start a free swap or visit."""
        self.settled_at = None

    @transition(field=status, source=CaseStatus.AWAITING_CONSENT, target=CaseStatus.IN_SERVICE)
    def consent(self):
        """Start the paid swap or visit the customer consented to in writing."""

    @transition(field=status, source=CaseStatus.DIAGNOSING, target=CaseStatus.REFERRED)
    def refer(self, *, follow: bool = False):
        """Refer the customer to a service point. A referral to a chosen service point is
        followed (`follow`): the case settles when the shop hands the handset back."""
        self.settled_at = None if follow else timezone.now()

    @transition(field=status, source=CaseStatus.REFERRED, target=CaseStatus.RESOLVED)
    def resolve_referral(self):
        """Record that the service point handed the handset back."""
        self.settled_at = timezone.now()

    @transition(field=status, source=CaseStatus.REFERRED, target=CaseStatus.REFERRED)
    def settle_referral(self):
        """The followed referral ended without a hand-back (never dropped off, cancelled)."""
        self.settled_at = timezone.now()

    @transition(field=status, source=CaseStatus.AWAITING_CONSENT, target=CaseStatus.DECLINED)
    def decline(self):
        """Record that the customer declined the quote."""
        self.settled_at = timezone.now()

    @transition(field=status, source=CaseStatus.AWAITING_CONSENT, target=CaseStatus.DECLINED)
    def expire_quote(self):
        """Record that the quote expired without an answer."""
        self.settled_at = timezone.now()

    @transition(field=status, source=CaseStatus.IN_SERVICE, target=CaseStatus.RESOLVED,
                conditions=[services_allow("resolve")])
    def resolve(self):
        """Record that the swap closed or the visit fixed the fault."""
        self.settled_at = timezone.now()

    @transition(field=status, source=SETTLED_CASE_STATES, target=CaseStatus.CLOSED)
    def close(self):
        """Close the case after its follow-up window."""

    @transition(field=status, source=SETTLED_CASE_STATES, target=CaseStatus.DIAGNOSING)
    def reopen(self):
        """Reopen the case: the customer called again about the same handset."""
        self.settled_at = None
        self.reopened_count += 1

    @transition(
        field=status,
        source=[CaseStatus.ADVISED, CaseStatus.AWAITING_CONSENT, CaseStatus.REFERRED],
        target=CaseStatus.DIAGNOSING,
        permission="hotline.override_decision",
        conditions=[services_allow("revise")],
    )
    def revise(self):
        """Take back a decision already acted on (supervisors only)."""
        self.settled_at = None

    @transition(
        field=status,
        source=[CaseStatus.OPEN, CaseStatus.DIAGNOSING, CaseStatus.AWAITING_CONSENT,
                CaseStatus.REFERRED],
        target=CaseStatus.CANCELLED,
        conditions=[services_allow("cancel")],
    )
    def cancel(self):
        """Cancel the case. A settled case (advised, declined, resolved) has nothing left to
        cancel: it closes after its follow-up window, or a repeat contact reopens it."""
        self.settled_at = None

    @transition(
        field=status, source=CaseStatus.IN_SERVICE, target=CaseStatus.CANCELLED,
        permission="hotline.cancel_in_service",
        conditions=[services_allow("cancel_in_service")],
    )
    def cancel_in_service(self):
        """Cancel a case whose swap or visit is under way (supervisors only)."""
        self.settled_at = None
