"""Demo data for partners: each distributor gets an admin user and an API key; TelcoMarket's
webhooks go to the receiver page inside the project (DEBUG only), which shows deliveries.

Keys are printed once, when they are made (as the partner page shows them once)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from hotline.demo import DEMO_PASSWORD
from hotline.models import Distributor, Profile
from hotline.roles import DISTRIBUTOR
from partners.models import DistributorKey, Scope, WebhookSubscription
from partners.models.webhooks import SUBSCRIBABLE_EVENTS
from partners.services.keys import key_create
from partners.services.webhooks import subscription_create

# Typed by the demo's French distributor admins, so in French.
DEMO_KEY_NAME = "Clé de démonstration"
ADMINS = [
    # username, first, last, distributor code
    ("telcomarket-admin", "Marc", "Vidal", "telcomarket"),
    ("mobilis-admin", "An", "Peeters", "mobilis"),
]
DEMO_LOGINS = [("distributor admin", username) for username, *_rest in ADMINS]  # load_demo


@transaction.atomic
def load(*, stdout) -> None:
    User = get_user_model()
    manage = Permission.objects.get(codename="manage_own_access",
                                    content_type__app_label="partners")
    for username, first, last, code in ADMINS:
        distributor = Distributor.objects.filter(code=code).first()
        if distributor is None:
            continue
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last,
                                         "email": f"{username}@hotline.example"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=DISTRIBUTOR))
        user.user_permissions.add(manage)
        Profile.objects.update_or_create(user=user, defaults={"distributor": distributor})
        if not DistributorKey.objects.filter(distributor=distributor, name=DEMO_KEY_NAME).exists():
            _key, secret = key_create(distributor=distributor, name=DEMO_KEY_NAME,
                                      scopes=list(Scope.values))
            stdout.write(f"  API key of {distributor.name} (shown once): {secret}")
    telcomarket = Distributor.objects.filter(code="telcomarket").first()
    if telcomarket is not None and settings.DEBUG:
        url = f"{settings.SITE_URL}/partners/receiver/telcomarket/"
        # The demo's own subscription follows the site when it moves (`make run PORT=8001`
        # after `make run`) instead of a second one being added for the new address.
        existing = WebhookSubscription.objects.filter(
            distributor=telcomarket, url__endswith="/partners/receiver/telcomarket/")
        if existing.exclude(url=url).update(url=url):
            stdout.write(f"  TelcoMarket's webhooks now go to {url}")
        elif not existing.exists():
            subscription_create(distributor=telcomarket, url=url,
                                events=list(SUBSCRIBABLE_EVENTS))
            stdout.write(f"  TelcoMarket's webhooks go to {url}")
