import io

import pytest
from django.contrib.auth import get_user_model

from hotline.tests.factories import DistributorFactory
from partners.demo import DEMO_KEY_NAME, load
from partners.models import DistributorKey, Scope, WebhookSubscription

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_loading_the_demo_on_another_port_moves_its_webhook_instead_of_adding_one(settings):
    settings.DEBUG = True
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    DistributorFactory(code="telcomarket", name="TelcoMarket")
    settings.SITE_URL = "http://127.0.0.1:8000"
    load(stdout=io.StringIO())

    settings.SITE_URL = "http://127.0.0.1:8001"
    load(stdout=io.StringIO())

    assert list(WebhookSubscription.objects.values_list("url", flat=True)) == [
        "http://127.0.0.1:8001/partners/receiver/telcomarket/"]


def test_the_demo_gives_both_distributors_an_admin_and_a_key_and_telcomarket_a_receiver(
        settings):
    settings.DEBUG = True
    settings.PARTNERS_WEBHOOK_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    telcomarket = DistributorFactory(code="telcomarket", name="TelcoMarket")
    mobilis = DistributorFactory(code="mobilis", name="Mobilis Stores")
    out = io.StringIO()

    load(stdout=out)
    load(stdout=io.StringIO())

    for distributor, username in ((telcomarket, "telcomarket-admin"), (mobilis, "mobilis-admin")):
        admin = User.objects.get(username=username)
        assert admin.hotline_profile.distributor == distributor
        assert admin.has_perm("partners.manage_own_access")
        key = DistributorKey.objects.get(distributor=distributor)
        assert key.name == DEMO_KEY_NAME and set(key.scopes) == set(Scope.values)
        assert f"{key.prefix}." in out.getvalue()
    assert list(WebhookSubscription.objects.values_list("distributor__code", "url")) == [
        ("telcomarket", "http://127.0.0.1:8000/partners/receiver/telcomarket/")]
