"""Models of the calls app: calls, the raw telephony events they are built from, the
operators' telephony state, and the link between a call and the cases it is about.

A Call is never edited by hand: it is the fold of its CallEvents (see calls.ingest), so that
duplicate and out-of-order events always give the same call.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("answered")
    ABANDONED = "abandoned", _("abandoned")
    TIMEOUT = "timeout", _("left the queue: timeout")
    EXIT_KEY = "exit_key", _("left the queue: key pressed")
    EXIT_EMPTY = "exit_empty", _("left the queue: no operator")
    TRANSFERRED = "transferred", _("transferred")
    LOST = "lost", _("lost")


LEFT_QUEUE = [Outcome.TIMEOUT, Outcome.EXIT_KEY, Outcome.EXIT_EMPTY]


class EventKind(models.TextChoices):
    QUEUED = "queued", _("queued")
    ANSWERED = "answered", _("answered")
    HELD = "held", _("held")
    RESUMED = "resumed", _("resumed")
    TRANSFERRED = "transferred", _("transferred")
    ENDED = "ended", _("ended")
    ABANDONED = "abandoned", _("abandoned")
    WRAPUP_DONE = "wrapup_done", _("wrap-up done")
    LOST = "lost", _("lost")
    RING_NO_ANSWER = "ring_no_answer", _("rang, not answered")


class AgentEventKind(models.TextChoices):
    LOGIN = "login", _("logged in")
    LOGOUT = "logout", _("logged out")
    PAUSED = "paused", _("paused")
    UNPAUSED = "unpaused", _("unpaused")


class CallQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(answered_at__isnull=True, ended_at__isnull=True)

    def in_period(self, start, end):
        return self.filter(queued_at__gte=start, queued_at__lt=end)


class Call(models.Model):
    """One telephone contact, from the moment it entered a queue to the end of wrap-up."""

    # Unique by a constraint, not unique=True: PostgreSQL then keeps one index, not a second
    # one for LIKE that no query uses (each index is paid on every insert of the imports).
    # The single-column indexes of queue, caller, agent and handset are the leading columns
    # of the (column, queued_epoch) indexes below. The handset, customer and operator
    # indexes hold only the calls that have one (most calls are imported without a handset
    # and many without a customer: every look-up by them names one), and the outcome has
    # none (nine values, read only inside the reports' aggregates).
    telephony_id = models.CharField(_("telephony id"), max_length=80)
    queue = models.CharField(_("queue"), max_length=80, blank=True)
    caller_number = models.CharField(
        _("caller number"), max_length=40, blank=True,
        help_text=_("E.164 when the number parses; empty when withheld."),
    )
    caller_raw = models.CharField(_("caller id as received"), max_length=80, blank=True)
    caller_withheld = models.BooleanField(_("number withheld"), default=False)
    dialled_number = models.CharField(_("dialled number"), max_length=40, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True, db_index=True)
    # Integer epoch seconds of queued_at: 15- and 30-minute buckets by plain arithmetic,
    # identical on SQLite and PostgreSQL.
    queued_epoch = models.BigIntegerField(null=True, blank=True, db_index=True, editable=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    agent_id = models.CharField(_("agent"), max_length=40, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="calls", verbose_name=_("operator"), db_index=False,
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    wrapup_done_at = models.DateTimeField(_("wrap-up done at"), null=True, blank=True)
    wait_seconds = models.FloatField(_("wait (s)"), null=True, blank=True)
    talk_seconds = models.FloatField(_("talk (s)"), null=True, blank=True)
    hold_seconds = models.FloatField(_("hold (s)"), default=0)
    wrapup_seconds = models.FloatField(_("after-call work (s)"), default=0)
    transferred = models.BooleanField(_("transferred"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    customer = models.ForeignKey(
        "hotline.Customer", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="calls", verbose_name=_("customer"), db_index=False,
    )
    handset = models.ForeignKey(
        "hotline.Handset", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="calls", verbose_name=_("handset"), db_index=False,
    )
    cases = models.ManyToManyField("hotline.Case", through="CallCase", related_name="calls")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        permissions = [
            ("view_call_metrics",
             _("Can see the wallboard and service-level figures per queue and per operator")),
            ("plan_staffing", _("Can plan staffing (forecast, Erlang C)")),
        ]
        indexes = [
            models.Index(fields=["caller_number", "queued_epoch"], name="call_caller_epoch"),
            models.Index(fields=["queue", "queued_epoch"], name="call_queue_epoch"),
            models.Index(fields=["agent_id", "queued_epoch"], name="call_agent_epoch"),
            # First-contact resolution looks for a later call about the same handset.
            models.Index(fields=["handset", "queued_epoch"], name="call_handset_epoch",
                         condition=models.Q(handset__isnull=False)),
            models.Index(fields=["customer"], name="call_customer",
                         condition=models.Q(customer__isnull=False)),
            models.Index(fields=["operator"], name="call_operator",
                         condition=models.Q(operator__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["telephony_id"], name="call_telephony_id_unique"),
            models.CheckConstraint(
                condition=models.Q(wait_seconds__isnull=True) | models.Q(wait_seconds__gte=0),
                name="call_wait_not_negative",
            ),
        ]

    def __str__(self):
        return self.telephony_id

    @property
    def is_waiting(self) -> bool:
        return self.answered_at is None and self.ended_at is None

    @property
    def handle_seconds(self) -> float | None:
        if self.talk_seconds is None:
            return None
        return self.talk_seconds + self.hold_seconds + self.wrapup_seconds


class CallEvent(models.Model):
    """One event reported by the telephony platform, stored once (its `key` is unique)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=200)  # unique: see Meta (no LIKE index, as Call's id)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField()
    agent_id = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=20, default="cti")
    data = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        constraints = [models.UniqueConstraint(fields=["key"], name="callevent_key_unique")]

    def __str__(self):
        return f"{self.call_id} {self.kind} {self.at:%Y-%m-%d %H:%M:%S}"


class AgentStatus(models.TextChoices):
    LOGGED_OUT = "logged_out", _("logged out")
    AVAILABLE = "available", _("available")
    ON_CALL = "on_call", _("on a call")
    WRAPUP = "wrapup", _("in wrap-up")
    PAUSED = "paused", _("paused")


class AgentState(models.Model):
    """What a telephony agent is doing now, derived from call and agent events."""

    agent_id = models.CharField(_("agent"), max_length=40, unique=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgentStatus.choices, default=AgentStatus.LOGGED_OUT
    )
    since = models.DateTimeField(_("since"))
    paused = models.BooleanField(default=False)
    call = models.ForeignKey(Call, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")

    class Meta:
        ordering = ["agent_id"]
        verbose_name = _("agent state")
        verbose_name_plural = _("agent states")

    def __str__(self):
        return f"{self.agent_id}: {self.status}"


class AgentSession(models.Model):
    """A span during which an agent was logged in to the queues (for occupancy)."""

    agent_id = models.CharField(_("agent"), max_length=40, db_index=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    start_epoch = models.BigIntegerField(db_index=True)
    end_epoch = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("agent session")
        verbose_name_plural = _("agent sessions")
        constraints = [
            models.UniqueConstraint(fields=["agent_id"], condition=models.Q(ended_at__isnull=True),
                                    name="agentsession_one_open_per_agent"),
        ]

    def __str__(self):
        return f"{self.agent_id} {self.started_at:%Y-%m-%d %H:%M}"


class Shift(models.Model):
    """An operator rostered on the phones from `starts_at` to `ends_at` (for the planner)."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_shifts",
        verbose_name=_("operator"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="shift_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.operator} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


class AgentEvent(models.Model):
    """A login, logout, pause or unpause of an agent, stored once (its `key` is unique)."""

    key = models.CharField(max_length=200, unique=True)
    agent_id = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=20, choices=AgentEventKind.choices)
    at = models.DateTimeField()
    source = models.CharField(max_length=20, default="cti")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("agent event")
        verbose_name_plural = _("agent events")

    def __str__(self):
        return f"{self.agent_id} {self.kind} {self.at:%Y-%m-%d %H:%M:%S}"


class CallCase(models.Model):
    """A case this call was about (a call may concern several cases, a case many calls)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("hotline.Case", on_delete=models.CASCADE, related_name="call_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    opened_case = models.BooleanField(_("case opened on this call"), default=False)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at"]
        verbose_name = _("call-case link")
        verbose_name_plural = _("call-case links")
        constraints = [
            models.UniqueConstraint(fields=["call", "case"], name="callcase_unique"),
        ]

    def __str__(self):
        return f"{self.call} -> {self.case}"


class ImportCheckpoint(models.Model):
    """How far the import of a telephony log file got (its last committed batch), so that
    an interrupted import resumes there and a growing file is read from where it stopped."""

    path = models.CharField(_("file"), max_length=500, unique=True)
    fingerprint = models.CharField(max_length=80, help_text=_("length:SHA-256 of its first bytes"))
    offset = models.BigIntegerField(_("bytes imported"), default=0)
    line = models.BigIntegerField(_("lines imported"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import checkpoint")
        verbose_name_plural = _("import checkpoints")

    def __str__(self):
        return f"{self.path}: line {self.line}"


class SlaRollup(models.Model):
    """The figures of the calls queued in one 15-minute bucket of one queue: counts and sums
    from which the service-level report adds up any interval of 15 minutes or more
    (PostgreSQL; kept in step with the calls by calls.rollup)."""

    bucket_epoch = models.BigIntegerField()
    bucket_at = models.DateTimeField()
    queue = models.CharField(max_length=80, blank=True)
    offered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    abandoned = models.IntegerField(default=0)
    left_queue = models.IntegerField(default=0)
    lost = models.IntegerField(default=0)
    waiting = models.IntegerField(default=0)
    transferred = models.IntegerField(default=0)
    resolved_first_contact = models.IntegerField(default=0)
    # Sums of durations in exact decimals: an average of a bucket's sums is then the same
    # whatever the order the calls were added in.
    wait_count = models.IntegerField(default=0)
    wait_sum = models.DecimalField(max_digits=40, decimal_places=15, null=True)
    wait_max = models.FloatField(null=True)
    answered_wait_count = models.IntegerField(default=0)
    answered_wait_sum = models.DecimalField(max_digits=40, decimal_places=15, null=True)
    talk_count = models.IntegerField(default=0)
    talk_sum = models.DecimalField(max_digits=40, decimal_places=15, null=True)
    handle_count = models.IntegerField(default=0)
    handle_sum = models.DecimalField(max_digits=40, decimal_places=15, null=True)
    # The calls with a wait, per one-second band of wait (band b: b <= wait < b + 1), in
    # band order: the 90th-percentile wait and the counts within a threshold start there.
    band_index = ArrayField(models.BigIntegerField(), default=list)
    band_calls = ArrayField(models.IntegerField(), default=list)
    band_answered = ArrayField(models.IntegerField(), default=list)
    band_abandoned = ArrayField(models.IntegerField(), default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket_epoch", "queue"], name="slarollup_unique"),
        ]

    def __str__(self):
        return f"{self.queue} {self.bucket_at:%Y-%m-%d %H:%M}"


class SlaRollupDirty(models.Model):
    """A call that changed since the roll-up was last refreshed (written by database
    triggers on the calls table): its queue epoch, number and handset, before or after."""

    epoch = models.BigIntegerField()
    caller_number = models.CharField(max_length=40, blank=True)
    handset_id = models.BigIntegerField(null=True)

    def __str__(self):
        return f"{self.epoch} {self.caller_number} {self.handset_id}"
