"""The staff API's customer search (`GET /api/v1/customers/?q=`), bounded like the console's
search page: what it answers, how many statements it runs, and how it refuses bad input."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from hotline.models import Customer, CustomerPhone
from hotline.selectors import NAME_CANDIDATES, search_page
from hotline.tests.factories import CaseFactory, CustomerFactory, HandsetFactory, lefebvres_to_search

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"


@pytest.fixture
def staff_api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


def _martins(count: int, phone: str | None = None) -> None:
    customers = Customer.objects.bulk_create(
        Customer(last_name="Martin", first_name=f"P{n:03d}", email=f"p{n}@example.org")
        for n in range(count))
    if phone:
        CustomerPhone.objects.bulk_create(CustomerPhone(customer=c, number=phone)
                                          for c in customers)


def test_the_url_is_the_named_route():
    assert reverse("api-customer-search") == URL


def test_a_few_matches_are_counted_exactly_on_one_page(staff_api):
    _martins(3)

    body = staff_api.get(URL, {"q": "martin"}).json()

    assert (body["kind"], body["count"], body["more_than"]) == ("name", 3, None)
    assert [c["first_name"] for c in body["results"]] == ["P000", "P001", "P002"]
    assert body["next"] is None and body["previous"] is None


def test_up_to_the_cap_every_page_of_a_name_is_served_in_name_order(staff_api):
    _martins(NAME_CANDIDATES)

    first = staff_api.get(URL, {"q": "martin"}).json()
    last = staff_api.get(URL, {"q": "martin", "page": 4}).json()

    assert first["count"] == last["count"] == NAME_CANDIDATES
    assert "page=2" in first["next"] and first["previous"] is None
    assert [c["first_name"] for c in last["results"]] == [f"P{n:03d}" for n in range(150, 200)]
    assert last["next"] is None and "page=3" in last["previous"]


def test_a_name_past_the_cap_says_more_than_and_has_no_second_page(staff_api):
    _martins(NAME_CANDIDATES + 1)

    first = staff_api.get(URL, {"q": "martin"})
    second = staff_api.get(URL, {"q": "martin", "page": 2})

    assert first.status_code == 200
    assert (first.json()["count"], first.json()["more_than"]) == (None, NAME_CANDIDATES)
    assert len(first.json()["results"]) == 50 and first.json()["next"] is None
    assert second.status_code == 404
    assert second.json()["field"] == "page" and second.json()["code"] == "too_many_matches"
    assert "More than 200 customers match" in second.json()["detail"]


def test_a_phone_shared_by_many_customers_is_served_page_after_page(staff_api):
    _martins(120, phone="+33612345678")

    pages = [staff_api.get(URL, {"q": "06 12 34 56 78", "page": n}).json() for n in (1, 2, 3)]

    assert [(p["count"], p["more_than"]) for p in pages] == [(None, 50), (None, 100), (120, None)]
    assert [c["first_name"] for p in pages for c in p["results"]] == [
        f"P{n:03d}" for n in range(120)]
    assert pages[0]["results"][0]["phones"] == ["+33612345678"]
    assert pages[2]["next"] is None and "page=3" in pages[1]["next"]


def test_an_imei_finds_its_owner(staff_api):
    handset = HandsetFactory(owner=CustomerFactory(last_name="Lefebvre"))

    body = staff_api.get(URL, {"q": handset.imei}).json()

    assert (body["kind"], body["count"]) == ("imei", 1)
    assert [c["last_name"] for c in body["results"]] == ["Lefebvre"]


def test_a_case_number_is_read_as_one_and_finds_no_customer_here(staff_api):
    case = CaseFactory()

    body = staff_api.get(URL, {"q": case.number}).json()

    assert (body["kind"], body["count"], body["results"]) == ("case", 0, [])


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "a"}, {"q": "  b "}, {"q": "x" * 101}])
def test_no_query_or_one_too_short_or_too_long_is_a_400_naming_q(staff_api, query):
    response = staff_api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == ["q"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999"])
def test_a_page_that_is_not_a_page_number_is_a_400_naming_page(staff_api, page):
    response = staff_api.get(URL, {"q": "martin", "page": page})

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


@pytest.mark.parametrize("query", ["martin", "06 12 34 56 78", "zzzz"])
def test_a_page_after_the_last_is_a_404_naming_page(staff_api, query):
    _martins(3, phone="+33612345678")

    response = staff_api.get(URL, {"q": query, "page": 2})

    assert response.status_code == 404
    assert response.json()["field"] == "page" and response.json()["code"] == "no_such_page"


def test_a_distributor_may_not_search_customers(db):
    from hotline.tests.factories import make_distributor_user

    client = APIClient()
    client.force_authenticate(make_distributor_user())

    assert client.get(URL, {"q": "martin"}).status_code == 403


def test_the_first_page_is_the_consoles(staff_api):
    _martins(NAME_CANDIDATES + 30)
    _martins(5, phone="+33611111111")

    for query in ("martin", "P01", "06 11 11 11 11"):
        page = search_page(query=query)
        body = staff_api.get(URL, {"q": query}).json()

        assert [c["id"] for c in body["results"]] == [c.pk for c in page["customers"]], query
        assert (body["count"], body["more_than"]) == (
            None if page["more_than"] else page["count"], page["more_than"]), query


@pytest.mark.parametrize("kind, statements", [
    ("name", 2), ("two letters", 2), ("e-mail", 2), ("several words", 2), ("phone", 2),
    ("imei", 2), ("case", 1)])
def test_the_search_runs_a_fixed_number_of_statements(staff_api, django_assert_num_queries,
                                                       kind, statements):
    """The search alone (the authenticated user's capabilities are cached on it after the
    first request): a name, two letters, an e-mail or several
    words 2 (at most 201 candidates, the page's phones); a phone 2 (a page of customers,
    their phones); an IMEI 2 (handsets with model and owner, the owners' phones); a case
    number 1. On PostgreSQL several words add the SET LOCAL that turns the scans off for
    their statement and, inside the test's transaction, the RESET after it (see
    tests/integration/test_search_postgres.py)."""
    _lefebvre, case = lefebvres_to_search()
    typed = {"name": "lefeb", "two letters": "li", "e-mail": "LI.LEFEBVRE@example.org",
             "several words": "li lefeb", "phone": "06 12 34 56 78", "imei": case.handset.imei,
             "case": case.number}[kind]
    staff_api.get(URL, {"q": typed})

    if kind == "several words" and connection.vendor == "postgresql":
        statements += 2

    with django_assert_num_queries(statements):
        response = staff_api.get(URL, {"q": typed})

    assert response.status_code == 200
    if kind != "case":
        assert "+33612345678" in response.json()["results"][0]["phones"]


def test_the_refusal_of_a_second_page_is_in_the_callers_language(staff_api):
    _martins(NAME_CANDIDATES + 1)

    response = staff_api.get(URL, {"q": "martin", "page": 2}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["detail"].startswith("Plus de 200 clients correspondent")
