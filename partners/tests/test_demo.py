import io

import pytest

from hotline.tests.factories import DistributorFactory
from partners.demo import load
from partners.models import WebhookSubscription

pytestmark = pytest.mark.django_db


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
