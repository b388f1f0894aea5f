"""Regression tests of issue 17's server errors in the case workflow and swaps: unknown
countries, postcodes, extreme dates and decisions recorded without their warranty."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from exchanges.models import Visit
from exchanges.swaps.promise import PromiseRules, promise_compute
from exchanges.tests.factories import (
    StockUnitFactory,
    SwapFactory,
    TechnicianFactory,
    VisitFactory,
    WarehouseFactory,
    swap_case,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fault_codes")]
EXTREMES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]


@pytest.fixture
def api(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def test_a_decision_recorded_without_its_warranty_is_shown_with_none(api):
    case, decision = swap_case()

    response = api.get(f"/api/v1/cases/{case.number}/decision/")

    assert response.status_code == 200
    assert response.json()["warranty"] is None
    assert response.json()["outcome"] == "swap"


def test_a_promise_to_a_country_without_known_holidays_counts_none_and_says_so():
    # Every ISO 3166 country is refused at entry unless the holidays package knows it; this
    # is a code stored before countries were validated.
    rules = PromiseRules(warehouse_country="FR", cutoff=datetime.time(17),
                         delivery_by=datetime.time(12))
    booked = datetime.datetime(2026, 11, 24, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))

    promise = promise_compute(rules=rules, at=booked, country="ZZ", postcode="1234")

    assert promise.ships_on == datetime.date(2026, 11, 24)
    assert any("ZZ" in reason and "not known" in reason for reason in promise.reasons)


@pytest.mark.parametrize("country", ["ZZ", "XX", "1"])
def test_the_promise_api_refuses_an_unknown_country(api, country):
    WarehouseFactory()

    response = api.get("/api/v1/swaps/promise/", {"warehouse": "PAR", "postcode": "75002",
                                                  "country": country})

    assert response.status_code == 400
    assert "country" in response.json()


def test_the_promise_api_refuses_a_postcode_of_letters_for_france(api):
    WarehouseFactory()

    response = api.get("/api/v1/swaps/promise/", {"warehouse": "PAR", "postcode": "ABCDE",
                                                  "country": "FR"})

    assert response.status_code == 400
    assert "postcode" in response.json()


def test_the_swap_promise_command_refuses_an_unknown_country_without_a_traceback():
    WarehouseFactory()

    with pytest.raises(CommandError, match="ISO 3166"):
        call_command("swap_promise", "--warehouse", "PAR", "--postcode", "75002",
                     "--country", "ZZ", stdout=StringIO())


def test_the_swap_promise_command_refuses_an_impossible_date():
    WarehouseFactory()

    with pytest.raises(CommandError, match="--at"):
        call_command("swap_promise", "--warehouse", "PAR", "--postcode", "75002",
                     "--at", "9999-12-31T10:00+01:00", stdout=StringIO())


@pytest.mark.parametrize("url", ["/api/v1/swaps/measures/", "/api/v1/visits/measures/",
                                 "/api/v1/swaps/inspections/"])
@pytest.mark.parametrize("value", EXTREMES + ["abc", "2026-13-45"])
def test_every_period_parameter_refuses_extreme_or_bad_dates_the_same_way(api, url, value):
    response = api.get(url, {"since": value})

    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/swaps/measures/", "/api/v1/visits/measures/"])
def test_a_period_that_ends_before_it_starts_is_refused(api, url):
    response = api.get(url, {"since": "2026-11-02T00:00Z", "until": "2026-11-01T00:00Z"})

    assert response.status_code == 400
    assert "until" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/swaps/measures/", "/api/v1/visits/measures/",
                                 "/api/v1/swaps/inspections/"])
def test_a_sensible_period_is_answered(api, url):
    response = api.get(url, {"since": "2026-11-01T00:00Z"})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "abc", "2026-02-30"])
def test_the_visit_day_sheet_shows_today_for_an_extreme_or_bad_date(client, supervisor, value):
    client.force_login(supervisor)

    response = client.get("/exchanges/visits/day/", {"date": value})

    assert response.status_code == 200
    assert "showing today" in response.content.decode()


@pytest.mark.parametrize(("body", "field"), [
    ({"country": "ZZ"}, "country"),
    ({"country": "1"}, "country"),
    ({"postcode": "ABCDE", "country": "FR"}, "postcode"),
    ({"ship_on": "9999-12-31"}, "ship_on"),
])
def test_a_swap_rebook_over_the_api_refuses_a_bad_address_or_day_naming_it(api, body, field):
    swap = SwapFactory(status="delivery_failed", unit=StockUnitFactory())

    response = api.post(f"/api/v1/swaps/{swap.pk}/rebook/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    swap.refresh_from_db()
    assert (swap.status, swap.booking_attempt) == ("delivery_failed", 0)


def test_a_swap_rebook_over_the_api_normalises_a_good_postcode(api):
    swap = SwapFactory(status="delivery_failed", unit=StockUnitFactory())

    response = api.post(f"/api/v1/swaps/{swap.pk}/rebook/",
                        {"postcode": " 69003 ", "country": "fr", "city": "Lyon"}, format="json")

    assert response.status_code == 200, response.content
    swap.refresh_from_db()
    assert (swap.postcode, swap.country) == ("69003", "FR")


@pytest.mark.parametrize("start", EXTREMES)
def test_the_visit_booking_api_refuses_an_extreme_date_naming_start(api, start):
    visit = VisitFactory(status="requested")

    by_case = api.post(f"/api/v1/cases/{visit.case.number}/visit/book/",
                       {"technician_id": TechnicianFactory().pk, "start": start}, format="json")
    by_action = api.post(f"/api/v1/visits/{visit.pk}/book/",
                         {"technician_id": TechnicianFactory().pk, "start": start},
                         format="json")

    assert (by_case.status_code, by_action.status_code) == (400, 400)
    assert "start" in by_case.json() and "start" in by_action.json()
    assert Visit.objects.get(pk=visit.pk).status == "requested"
