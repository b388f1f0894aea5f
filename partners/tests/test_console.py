"""The Partners pages: a supervisor manages any distributor's keys and webhooks, a
distributor's admin user its own, other users read or nothing; secrets are shown once."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from hotline.tests.factories import DistributorFactory, UserFactory, make_distributor_user
from partners.models import DistributorKey, WebhookSubscription
from partners.tests.factories import api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def telco():
    return DistributorFactory(code="telco", name="Telco")


def admin_of(distributor):
    user = make_distributor_user(distributor)
    user.user_permissions.add(Permission.objects.get(codename="manage_own_access"))
    return user


def test_a_distributors_admin_creates_a_key_and_sees_it_once(client, telco):
    client.force_login(admin_of(telco))

    created = client.post(reverse("partners:key_create", args=["telco"]),
                          {"name": "counter", "scopes": ["read_status", "open_cases"]},
                          follow=True)
    again = client.get(reverse("partners:distributor", args=["telco"]))

    key = DistributorKey.objects.get()
    secret = created.context["shown_once"]["secret"]
    assert secret.startswith(key.prefix + ".")
    assert secret in created.content.decode()
    assert secret not in again.content.decode() and key.prefix in again.content.decode()


def test_a_distributor_user_without_the_admin_right_only_reads(client, telco):
    client.force_login(make_distributor_user(telco))

    page = client.get(reverse("partners:distributor", args=["telco"]))
    refused = client.post(reverse("partners:key_create", args=["telco"]),
                          {"name": "x", "scopes": ["read_status"]})

    assert page.status_code == 200 and not page.context["can_manage"]
    assert refused.status_code == 403
    assert not DistributorKey.objects.exists()


def test_another_distributors_admin_is_refused(client, telco):
    client.force_login(admin_of(DistributorFactory(code="other")))
    key, _secret = api_key(telco)

    page = client.get(reverse("partners:distributor", args=["telco"]))
    revoke = client.post(reverse("partners:key_revoke", args=["telco", key.prefix]))

    key.refresh_from_db()
    assert page.status_code == revoke.status_code == 403
    assert not key.revoked


@pytest.mark.parametrize("role", ["operator", "qa", "technician"])
def test_hotline_roles_other_than_supervisor_are_refused(client, telco, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("partners:distributor", args=["telco"])).status_code == 403


def test_a_supervisor_lists_distributors_revokes_and_rotates(client, telco, supervisor):
    client.force_login(supervisor)
    key, _secret = api_key(telco)

    listing = client.get(reverse("partners:home"))
    rotated = client.post(reverse("partners:key_rotate", args=["telco", key.prefix]),
                          follow=True)

    key.refresh_from_db()
    assert "Telco" in listing.content.decode()
    assert key.revoked and rotated.context["shown_once"]["kind"] == "key"


def test_a_webhook_subscription_shows_its_secret_once_and_a_bad_url_is_explained(
        client, telco, settings):
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(admin_of(telco))

    refused = client.post(reverse("partners:webhook_create", args=["telco"]),
                          {"url": "http://127.0.0.1/x", "events": ["case.status_changed"]},
                          follow=True)

    assert not WebhookSubscription.objects.exists()
    assert "https" in refused.content.decode()


def test_the_page_is_in_french(client, telco):
    client.force_login(admin_of(telco))

    page = client.get(reverse("partners:distributor", args=["telco"]),
                      HTTP_ACCEPT_LANGUAGE="fr")

    assert "Clés d’API" in page.content.decode() or "Clés d'API" in page.content.decode()


def test_partner_pages_name_the_distributor_without_its_machine_code(client, supervisor):
    DistributorFactory(code="telcomarket", name="Telco Market")
    client.force_login(supervisor)

    listing = client.get(reverse("partners:home")).content.decode()
    detail = client.get(reverse("partners:distributor", args=["telcomarket"])).content.decode()

    for page in (listing, detail):
        visible = page.replace('"/console/partners/telcomarket', "").replace("/telcomarket/", "/")
        assert "Telco Market" in page
        assert "telcomarket" not in visible  # only in the links' addresses
