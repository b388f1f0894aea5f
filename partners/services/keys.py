"""Distributors' API keys: created, rotated and revoked by a supervisor or by the
distributor's own admin user; the key itself is shown once and stored hashed."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Profile
from hotline.roles import DISTRIBUTOR
from hotline.workflow import record_event
from partners.errors import PartnerError
from partners.models import DistributorKey, Scope

LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def key_create(*, distributor, name: str, scopes: list[str], expires_at=None,
               actor=None, replaces: DistributorKey | None = None) -> tuple[DistributorKey, str]:
    """Create a key; return it and the secret key, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise PartnerError(_("Name the key (where it is used)."), field="name")
    if len(name) > 50:
        raise PartnerError(_("A key's name has 50 characters at most."), field="name")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise PartnerError(_("Choose at least one scope among: %(scopes)s.")
                        % {"scopes": ", ".join(Scope.values)}, field="scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise PartnerError(_("The expiry date must be in the future."), field="expires_at")
    with transaction.atomic():
        api_user(distributor)  # made now rather than at the first request (partners.keycache)
        key, secret = DistributorKey.objects.create_key(
            distributor=distributor, name=name, scopes=sorted(set(scopes)),
            expiry_date=expires_at, created_by=_user(actor), replaces=replaces)
        record_event(key, action="api_key_created", actor=actor,
                     data={"prefix": key.prefix, "name": name, "scopes": key.scopes,
                           "distributor": distributor.code})
    return key, secret


def key_revoke(*, key: DistributorKey, actor=None) -> DistributorKey:
    """Revoke a key for good."""
    if key.revoked:
        return key
    with transaction.atomic():
        key.revoked = True
        key.revoked_at = timezone.now()
        key.revoked_by = _user(actor)
        key.save(update_fields=["revoked", "revoked_at", "revoked_by"])
        record_event(key, action="api_key_revoked", actor=actor,
                     data={"prefix": key.prefix, "distributor": key.distributor.code})
    return key


def key_rotate(*, key: DistributorKey, actor=None,
               grace: datetime.timedelta | None = None) -> tuple[DistributorKey, str]:
    """Replace a key by a new one with the same name and scopes; the old one is revoked at
    once, or expires after `grace` so that the distributor can switch without a gap."""
    if not key.is_usable:
        raise PartnerError(_("This key is revoked or expired: create a new one."), field="key")
    with transaction.atomic():
        new, secret = key_create(distributor=key.distributor, name=key.name, scopes=key.scopes,
                                 expires_at=key.expiry_date, actor=actor, replaces=key)
        if grace:
            key.expiry_date = timezone.now() + grace
            key.save(update_fields=["expiry_date"])
        else:
            key_revoke(key=key, actor=actor)
    return new, secret


def key_used(*, key: DistributorKey, now=None) -> None:
    """Record that the key was used (to the minute: one write a minute at most, counted in
    the cache, since the key itself may come from the cache with an older last use)."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USE_PRECISION:
        return
    if getattr(key, "use_recorded", False):  # seen in the key's own cache round trip
        return
    if cache.add(key_use_marker(key.prefix), True, LAST_USE_PRECISION.total_seconds()):
        DistributorKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def key_use_marker(prefix: str) -> str:
    """The cache entry that says a key's last use was written less than a minute ago."""
    return f"partners:api-key-used:{prefix}"


def api_user(distributor):
    """The user a distributor's keys act as (audit trails name it), made with its first key."""
    User = get_user_model()
    username = f"api-{distributor.code}"[:150]
    user = (User.objects.filter(username=username)
            .select_related("hotline_profile__distributor").first())
    if user is None:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": distributor.name[:150], "last_name": "(API)"})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get_or_create(name=DISTRIBUTOR)[0])
            Profile.objects.update_or_create(user=user, defaults={"distributor": distributor})
    return user


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
