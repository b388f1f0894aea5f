"""API keys, the public view of a case, idempotent POSTs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from partners.status import PublicStatus


class Scope(models.TextChoices):
    READ_STATUS = "read_status", _("read case status")
    OPEN_CASES = "open_cases", _("open cases")
    MANAGE_WEBHOOKS = "manage_webhooks", _("manage webhooks")


class DistributorKeyQuerySet(models.QuerySet):
    def usable(self, *, now=None):
        now = now or timezone.now()
        return self.filter(revoked=False).filter(
            models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gt=now))


class DistributorKey(AbstractAPIKey):
    """A distributor's API key: shown once, stored hashed (SHA-512), found by its prefix."""

    distributor = models.ForeignKey("hotline.Distributor", on_delete=models.CASCADE,
                                    related_name="api_keys", verbose_name=_("distributor"))
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("rotated from"))

    # The library's manager (create_key, get_from_key) over our queryset.
    objects = APIKeyManager.from_queryset(DistributorKeyQuerySet)()

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        permissions = [("manage_own_access",
                        _("Can manage its own distributor's API keys and webhooks"))]

    @property
    def is_usable(self) -> bool:
        return not self.revoked and not self.has_expired

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class PublicCase(models.Model):
    """What partners see of a case: its public status (kept current after every change, for
    filters and webhooks), the reference the distributor gave it, and its whole public view
    ready to answer (`view`, checked against the case at every read)."""

    case = models.OneToOneField("hotline.Case", on_delete=models.CASCADE, primary_key=True,
                                related_name="public")
    distributor = models.ForeignKey(
        "hotline.Distributor", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", help_text=_("Whose reference this is: the distributor that opened "
                                      "the case."))
    external_reference = models.CharField(_("distributor's reference"), max_length=64,
                                          null=True, blank=True)
    status = models.CharField(_("public status"), max_length=40,
                              choices=PublicStatus.choices, db_index=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True,
                                      help_text=_("Last change partners can see: status or "
                                                  "tracking."))
    # The serialized public view with the stamp of what it was read from (partners.snapshot):
    # the status API answers from it while the stamp is still the case's. Null until the
    # first refresh or read (cases of before: the API reads them live meanwhile).
    view = models.JSONField(_("stored public view"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("public view of a case")
        verbose_name_plural = _("public views of cases")
        constraints = [
            models.UniqueConstraint(fields=["distributor", "external_reference"],
                                    condition=models.Q(external_reference__isnull=False),
                                    name="public_case_reference_unique_per_distributor"),
        ]

    def __str__(self):
        return f"{self.case_id}: {self.status}"


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed for its repeats."""

    owner = models.CharField(max_length=40, help_text="d:<distributor id> or u:<user id>")
    key = models.CharField(max_length=255)
    path = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["owner", "key"],
                                               name="idempotency_key_unique_per_owner")]

    def __str__(self):
        return f"{self.owner} {self.key}"
