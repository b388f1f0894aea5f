"""API keys: shown once and stored hashed, named, scoped, expiring, revocable, rotated,
last use recorded, throttled per key with 429 and Retry-After."""

import datetime
import os

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from hotline.models import AuditEvent
from hotline.tests.factories import DistributorFactory
from partners.auth import UserExceptKeyRateThrottle
from partners.errors import PartnerError
from partners.models import DistributorKey
from partners.services.keys import key_revoke, key_rotate
from partners.tests.factories import api_key

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


def test_a_key_is_stored_hashed_and_found_by_its_prefix():
    key, secret = api_key()

    stored = DistributorKey.objects.get(pk=key.pk)
    assert secret.startswith(stored.prefix + ".")
    assert secret.split(".", 1)[1] not in stored.hashed_key
    assert stored.hashed_key.startswith("sha512$$")
    assert AuditEvent.objects.filter(action="api_key_created").exists()


def test_a_key_works_and_its_last_use_is_recorded(key_client):
    key, secret = api_key()

    response = key_client(secret).get(LIST)

    key.refresh_from_db()
    assert response.status_code == 200
    assert key.last_used_at is not None


def test_a_wrong_key_is_a_401(key_client):
    api_key()

    response = key_client("nope.nothing").get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_a_401(key_client):
    key, secret = api_key()
    key_revoke(key=key)

    assert key_client(secret).get(LIST).status_code == 401


def test_an_expired_key_is_a_401_that_says_so(key_client, time_machine):
    time_machine.move_to("2026-12-07 09:00Z")
    key, secret = api_key(expires_at=timezone.now() + datetime.timedelta(days=1))
    time_machine.move_to("2026-12-08 09:01Z")

    response = key_client(secret).get(LIST)

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_key_without_the_scope_is_a_403_naming_it(key_client):
    _key, secret = api_key(scopes=["open_cases"])

    response = key_client(secret).get(LIST)

    assert response.status_code == 403
    assert "read_status" in response.json()["detail"]


def test_rotating_gives_a_new_secret_and_stops_the_old_one(key_client):
    key, old = api_key(name="counter")

    new, secret = key_rotate(key=key)

    assert new.name == "counter" and new.scopes == key.scopes and new.replaces == key
    assert key_client(old).get(LIST).status_code == 401
    assert key_client(secret).get(LIST).status_code == 200


def test_a_key_needs_a_name_and_a_known_scope():
    with pytest.raises(PartnerError) as unnamed:
        api_key(name=" ")
    with pytest.raises(PartnerError) as unknown:
        api_key(scopes=["everything"])

    assert unnamed.value.field == "name" and unknown.value.field == "scopes"


def test_each_key_has_its_own_rate_and_a_429_says_when_to_retry(key_client, settings):
    settings.PARTNERS_API_RATE = "2/minute"
    cache.clear()
    distributor = DistributorFactory()
    _first, first = api_key(distributor)
    _second, second = api_key(distributor)
    client = key_client(first)

    answers = [client.get(LIST).status_code for _i in range(3)]
    throttled = client.get(LIST)

    assert answers == [200, 200, 429]
    assert int(throttled["Retry-After"]) > 0
    assert key_client(second).get(LIST).status_code == 200


CACHES = {"local memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                           "LOCATION": "throttle"}}
if os.environ.get("CACHE_URL", "").startswith("redis://"):  # as in production
    CACHES["redis"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                       "LOCATION": os.environ["CACHE_URL"], "KEY_PREFIX": "test-throttle"}


@pytest.mark.parametrize("backend", list(CACHES))
def test_a_keys_rate_slides_over_the_last_minute_and_refused_requests_do_not_count(
        backend, key_client, settings):
    settings.CACHES = {"default": CACHES[backend]}
    settings.PARTNERS_API_RATE = "4/minute"
    cache.clear()
    _key, secret = api_key(DistributorFactory())
    client = key_client(secret)
    start = datetime.datetime(2026, 12, 7, 9, 0, 45, tzinfo=datetime.UTC)  # 3/4 into a minute

    with time_machine.travel(start, tick=False):
        first = [client.get(LIST).status_code for _i in range(5)]
        refused = client.get(LIST)
    # A minute later, a quarter of the last minute still counts (4 x 1/4): 3 more.
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        later = [client.get(LIST).status_code for _i in range(4)]

    assert first == [200, 200, 200, 200, 429]
    assert 0 < int(refused["Retry-After"]) <= 15
    assert later == [200, 200, 200, 429]


@pytest.mark.parametrize("backend", list(CACHES))
def test_requests_with_a_wrong_secret_spend_nothing_of_the_keys_rate(backend, key_client,
                                                                     settings):
    settings.CACHES = {"default": CACHES[backend]}
    settings.PARTNERS_API_RATE, settings.PARTNERS_API_KEY_CACHE_SECONDS = "2/minute", 300
    cache.clear()
    _key, secret = api_key(DistributorFactory())
    client = key_client(secret)
    client.get(LIST)  # the key into the cache
    prefix = secret.partition(".")[0]

    wrong = [key_client(f"{prefix}.{'x' * 32}").get(LIST).status_code for _i in range(3)]

    assert wrong == [401, 401, 401]
    assert [client.get(LIST).status_code for _i in range(2)] == [200, 429]


def test_each_user_has_its_own_rate_and_a_429_says_when_to_retry(monkeypatch, operator,
                                                                   supervisor):
    monkeypatch.setattr(UserExceptKeyRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    cache.clear()
    client = APIClient()
    client.force_authenticate(operator)

    answers = [client.get(LIST).status_code for _i in range(3)]
    throttled = client.get(LIST)

    assert answers == [200, 200, 429]
    assert int(throttled["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(supervisor)
    assert other.get(LIST).status_code == 200


def test_keys_of_one_distributor_do_not_share_the_users_rate(key_client, monkeypatch):
    monkeypatch.setattr(UserExceptKeyRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    cache.clear()
    distributor = DistributorFactory()
    _first, first = api_key(distributor)
    _second, second = api_key(distributor)

    answers = [key_client(secret).get(LIST).status_code for secret in (first, second) * 2]

    assert answers == [200] * 4
