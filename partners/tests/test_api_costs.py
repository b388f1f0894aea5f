"""What one status request costs the database (issue 18), and the key cache behind it: a
fixed number of statements whatever the case holds, and a revoked or expired key refused at
the next request even though keys come from the cache."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from carriers.models import TrackingEvent
from carriers.tests.factories import ShipmentFactory
from exchanges.models import Quote
from exchanges.tests.factories import SwapFactory, VisitFactory, confirmed_decision
from hotline.tests.factories import DistributorFactory, make_distributor_user
from hotline.workflow import record_event
from partners.models import DistributorKey
from partners.services.keys import key_revoke, key_rotate
from partners.services.public import public_case_refresh
from partners.tests.factories import api_key, case_opened_by

pytestmark = pytest.mark.django_db

# The case with its handset, model, customer, distributor and stored public view, and the
# stamp of now (partners.snapshot): one statement, whatever the case holds.
CASE_STATEMENTS = 1
# When the stored view is not the case's now (a change committed, its refresh not run yet):
# that statement, the live view's (the case with its neighbours; its swaps with their
# parcels, the parcels' tracking events, visits, referrals, mail-in repairs, quotes and audit
# trail: one each), and the UPDATE that stores it for the next reads.
STALE_STATEMENTS = 1 + 8 + 1


@pytest.fixture(autouse=True)
def key_cache(settings):
    settings.PARTNERS_API_KEY_CACHE_SECONDS = 300


@pytest.fixture
def telco():
    return DistributorFactory(code="telco", name="Telco")


def busy_case(distributor, *, tracking_events: int):
    """A case with a swap in transit (its parcel tracked), a booked visit and a quote."""
    case = case_opened_by(distributor, status="in_service")
    parcel = ShipmentFactory()
    for n in range(tracking_events):
        TrackingEvent.objects.create(shipment=parcel, status="in_transit", location=f"Hub {n}",
                                     occurred_at=timezone.now(), source="webhook",
                                     dedupe_key=f"event-{n}")
    swap = SwapFactory(case=case, status="in_transit", outbound=parcel)
    VisitFactory(case=case, status="scheduled")
    Quote.objects.create(case=case, decision=confirmed_decision(case, "swap"),
                         number=f"Q-TEST-{case.pk}", token=f"token-{case.pk}", outcome="swap",
                         currency="EUR", subtotal=Decimal("10.00"), delivery_fee=Decimal("0"),
                         tax_rate=Decimal("0.2"), tax_amount=Decimal("2.00"),
                         total=Decimal("12.00"),
                         expires_at=timezone.now() + datetime.timedelta(days=7))
    record_event(swap, action="ship", source="booked", target="in_transit", case=case)
    public_case_refresh(case_id=case.pk)  # as after the transition's commit
    return case


def detail(case):
    return reverse("api-case-detail", args=[case.number])


def test_a_status_request_with_a_key_runs_the_same_statements_whatever_the_case_holds(
        key_client, telco, django_assert_num_queries):
    cases = [busy_case(telco, tracking_events=n) for n in (1, 2, 12)]
    _key, secret = api_key(telco)
    api = key_client(secret)
    api.get(detail(cases[0]))  # the key into the cache

    for case in cases:
        with django_assert_num_queries(CASE_STATEMENTS):
            body = api.get(detail(case)).json()

        assert body["shipment"]["events"][-1]["location"] == \
            case.swaps.get().outbound.events.last().location
        assert (body["visit"]["status"], body["quote"]["total"]) == ("technician_scheduled",
                                                                    "12.00")


def test_a_request_after_a_change_answers_live_in_a_fixed_number_and_stores_the_view(
        key_client, telco, django_assert_num_queries):
    cases = [busy_case(telco, tracking_events=n) for n in (1, 12)]
    _key, secret = api_key(telco)
    api = key_client(secret)
    api.get(detail(cases[0]))

    for case in cases:
        record_event(case.swaps.get(), action="deliver", source="in_transit",
                     target="delivered", case=case)  # its refresh still to run
        with django_assert_num_queries(STALE_STATEMENTS):
            stale = api.get(detail(case)).json()
        with django_assert_num_queries(CASE_STATEMENTS):
            fresh = api.get(detail(case)).json()

        assert stale == fresh
        assert stale["timeline"][-1]["at"] > stale["timeline"][-2]["at"]


def test_a_page_of_cases_reads_in_one_statement_whatever_they_hold(
        key_client, telco, django_assert_num_queries):
    for n in (1, 2, 12):
        busy_case(telco, tracking_events=n)
    _key, secret = api_key(telco)
    api = key_client(secret)
    api.get(reverse("api-case-list"))

    # the page, nothing else: a list request writes nothing (partners.selectors.case_list)
    with django_assert_num_queries(CASE_STATEMENTS):
        body = api.get(reverse("api-case-list")).json()

    assert [len(c["shipment"]["events"]) for c in body["results"]] == [12, 2, 1]


def test_a_status_request_with_a_token_reads_its_user_in_two_more_statements(
        telco, django_assert_num_queries):
    cases = [busy_case(telco, tracking_events=n) for n in (1, 12)]
    client = APIClient()
    token = Token.objects.create(user=make_distributor_user(telco))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.get(detail(cases[0]))

    for case in cases:
        # the token with its user, profile and distributor; the user's capabilities
        with django_assert_num_queries(CASE_STATEMENTS + 2):
            response = client.get(detail(case))

        assert response.status_code == 200
        assert len(response.json()["shipment"]["events"]) == case.swaps.get().outbound.events.count()


def test_the_first_request_with_a_key_reads_it_then_the_cache_serves_it(key_client, telco):
    case = busy_case(telco, tracking_events=1)
    _key, secret = api_key(telco)
    api = key_client(secret)

    with CaptureQueriesContext(connection) as first:
        assert api.get(detail(case)).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert api.get(detail(case)).status_code == 200

    def tables(queries):
        return {table for q in queries for table in ("partners_distributorkey", "auth_user",
                                                     "auth_permission") if table in q["sql"]}
    assert tables(first.captured_queries) == {"partners_distributorkey", "auth_user",
                                              "auth_permission"}
    assert tables(second.captured_queries) == set()


def test_a_revoked_key_is_refused_at_the_next_request_though_it_was_cached(key_client, telco):
    case = case_opened_by(telco)
    key, secret = api_key(telco)
    api = key_client(secret)
    assert api.get(detail(case)).status_code == 200

    key_revoke(key=key)

    assert api.get(detail(case)).status_code == 401


def test_a_key_revoked_by_a_bare_save_is_refused_at_the_next_request(key_client, telco):
    case = case_opened_by(telco)
    key, secret = api_key(telco)
    api = key_client(secret)
    api.get(detail(case))

    key.revoked = True
    key.save()  # the admin's form, say

    assert api.get(detail(case)).status_code == 401


def test_a_rotated_key_is_refused_at_once_and_its_successor_accepted(key_client, telco):
    case = case_opened_by(telco)
    key, secret = api_key(telco)
    old = key_client(secret)
    old.get(detail(case))

    _new, new_secret = key_rotate(key=key)

    assert old.get(detail(case)).status_code == 401
    assert key_client(new_secret).get(detail(case)).status_code == 200


def test_a_cached_key_is_refused_the_moment_it_expires(key_client, telco):
    case = case_opened_by(telco)
    _key, secret = api_key(telco, expires_at=timezone.now() + datetime.timedelta(hours=1))
    api = key_client(secret)
    assert api.get(detail(case)).status_code == 200

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, seconds=1)):
        response = api.get(detail(case))

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_cached_key_with_a_wrong_secret_is_refused(key_client, telco):
    case = case_opened_by(telco)
    _key, secret = api_key(telco)
    key_client(secret).get(detail(case))
    prefix = secret.partition(".")[0]

    response = key_client(f"{prefix}.{'x' * 32}").get(detail(case))

    assert response.status_code == 401


def test_a_distributor_user_losing_its_role_loses_its_keys_access_at_once(key_client, telco):
    from django.contrib.auth import get_user_model

    case = case_opened_by(telco)
    _key, secret = api_key(telco)
    api = key_client(secret)
    assert api.get(detail(case)).status_code == 200

    get_user_model().objects.get(username="api-telco").groups.clear()

    assert api.get(detail(case)).status_code == 403


def test_a_key_in_use_records_its_last_use_once_a_minute(key_client, telco, settings,
                                                         django_assert_num_queries):
    # A cache that follows the travelling clock (Redis's expiries run on its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "last-use"}}
    case = busy_case(telco, tracking_events=1)
    key, secret = api_key(telco)
    api = key_client(secret)
    api.get(detail(case))
    first = DistributorKey.objects.get(pk=key.pk).last_used_at

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        with django_assert_num_queries(CASE_STATEMENTS + 1):  # the UPDATE of its last use
            api.get(detail(case))
        with django_assert_num_queries(CASE_STATEMENTS):
            api.get(detail(case))

    assert DistributorKey.objects.get(pk=key.pk).last_used_at > first
