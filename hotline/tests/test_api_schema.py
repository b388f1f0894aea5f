"""The API schema tells the truth: every error answer is documented with its body, nullable
fields are marked, list answers are typed as lists; and real answers, checked by
schemathesis' own response checks against the generated schema, conform (the same checks as
`make fuzz-api`, so a regression fails here first)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from exchanges.tests.factories import SwapFactory, swap_case
from hotline.tests.factories import HandsetModelFactory, UserFactory
from repairs.models import RepairOrder
from repairs.tests.factories import quick_fault, returned_unit

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def refs(response) -> set[str]:
    schema = response["content"]["application/json"]["schema"]
    return {schema.get("$ref", "").rsplit("/", 1)[-1]}


def test_every_operation_documents_refused_credentials_roles_and_throttling(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]

        for code in ("401", "403", "429"):
            assert code in responses, f"{method.upper()} {path} lacks {code}"
            assert refs(responses[code]) == {"Error"}, f"{method.upper()} {path} {code}"
        assert "Retry-After" in responses["429"]["headers"], f"{method.upper()} {path}"


def test_every_operation_with_a_path_parameter_or_a_page_documents_404(document):
    for path, method, operation in operations(document):
        paged = any(parameter["name"] in ("page", "cursor")
                    for parameter in operation.get("parameters", []))
        if "{" in path or paged:
            assert "404" in operation["responses"], f"{method.upper()} {path} lacks 404"


def test_every_change_documents_bad_input_conflict_and_refused_rule(document):
    for path, method, operation in operations(document):
        if method in UNSAFE:
            for code in ("400", "409", "422"):
                assert code in operation["responses"], f"{method.upper()} {path} lacks {code}"


def test_a_400_names_the_fields_at_fault(document):
    bad_input = document["paths"]["/api/v1/cases/"]["get"]["responses"]["400"]
    schema = bad_input["content"]["application/json"]["schema"]

    assert schema["type"] == "object"
    assert "detail" not in schema.get("required", [])
    assert schema["additionalProperties"]["anyOf"][0]["type"] == "array"


@pytest.mark.parametrize("path", ["/api/v1/cases/{number}/swaps/options/",
                                  "/api/v1/swaps/inspections/",
                                  "/api/v1/cases/{number}/swaps/"])
def test_list_answers_are_typed_as_lists(document, path):
    ok = document["paths"][path]["get"]["responses"]["200"]

    assert ok["content"]["application/json"]["schema"]["type"] == "array"


@pytest.mark.parametrize(("component", "field"), [
    ("SwapOutput", "promised_by"), ("SwapOutput", "backorder_until"),
    ("SwapOutput", "delivered_at"), ("SwapOutput", "hold_until"),
    ("SwapOutput", "charged_at"), ("SwapOutput", "warehouse"), ("SwapOutput", "unit_imei"),
    ("RepairOrderOutput", "case"), ("RepairOrderOutput", "found_fault_code"),
    ("SwapOptionOutput", "promise"), ("SwapOptionOutput", "until"),
])
def test_fields_that_may_be_empty_are_nullable(document, component, field):
    schema = document["components"]["schemas"][component]["properties"][field]

    assert schema.get("nullable") is True


# --- real answers, checked against the schema -------------------------------------------------
class _AppInTheTestsTransaction:
    """The WSGI app as Django's test client calls it: the end of a request does not close the
    database connection (on PostgreSQL, with persistent connections and health checks, it
    would close the connection holding the test's transaction)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.app(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api(db):
    """The schema as served, with schemathesis calling the app in process."""
    return schemathesis.openapi.from_wsgi(
        "/api/schema/", _AppInTheTestsTransaction(get_wsgi_application()))


@pytest.fixture
def fault_codes(db):
    from diagnostics.reference import fault_codes_load

    fault_codes_load()


@pytest.fixture
def staff_token(db):
    return Token.objects.create(user=UserFactory(roles=["supervisor"])).key


def call(api, path, method="GET", token=None, **parts):
    headers = {"Authorization": f"Token {token}"} if token else {}
    case = api[path][method].Case(headers=headers, **parts)
    return case.call_and_validate(checks=CHECKS)


def test_a_new_swap_with_empty_dates_and_no_unit_conforms(api, staff_token):
    swap = SwapFactory()

    response = call(api, "/api/v1/swaps/{id}/", token=staff_token,
                    path_parameters={"id": swap.pk})

    assert response.status_code == 200
    assert response.json()["promised_by"] is None and response.json()["unit_imei"] is None


def test_the_swap_options_are_a_list_that_conforms(api, staff_token, fault_codes):
    case, _decision = swap_case()

    response = call(api, "/api/v1/cases/{number}/swaps/options/", token=staff_token,
                    path_parameters={"number": case.number})

    assert isinstance(response.json(), list) and response.json()[0]["kind"] == "like_for_like"


def test_a_stock_repair_without_a_case_conforms(api, staff_token):
    model = HandsetModelFactory()
    RepairOrder.objects.create(number="R-T-000001", kind="stock", model=model,
                               unit=returned_unit(model), imei="490154203237518",
                               fault_code=quick_fault(), street="1 rue", postcode="75002",
                               city="Paris", country="FR")

    response = call(api, "/api/v1/repairs/orders/", token=staff_token)

    assert response.json()["results"][0]["case"] is None


def test_an_unknown_warehouse_is_a_400_naming_it(api, staff_token):
    response = call(api, "/api/v1/swaps/promise/", token=staff_token,
                    query={"warehouse": "NOPE", "postcode": "75002"})

    assert response.status_code == 400
    assert "warehouse" in response.json()


def test_a_bad_filter_is_a_400_that_conforms(api, staff_token):
    response = call(api, "/api/v1/cases/", token=staff_token, query={"status": "bogus"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_a_bad_token_is_a_401_that_conforms(api):
    response = call(api, "/api/v1/cases/", token="not-a-token")

    assert response.status_code == 401


def test_a_path_that_matches_no_url_is_a_json_404_that_conforms(api, staff_token, settings):
    settings.DEBUG = True

    response = call(api, "/api/v1/swaps/{id}/", token=staff_token,
                    path_parameters={"id": "null,null"})

    assert response.status_code == 404
    assert response.headers["content-type"] == ["application/json"]
    assert response.json() == {"detail": "Not found."}


def test_the_customer_search_conforms_with_a_count_a_more_than_and_a_refused_page(
        api, staff_token):
    from hotline.models import Customer
    from hotline.selectors import NAME_CANDIDATES

    Customer.objects.bulk_create(Customer(last_name="Martin", first_name=f"P{n:03d}")
                                 for n in range(NAME_CANDIDATES + 1))

    many = call(api, "/api/v1/customers/", token=staff_token, query={"q": "martin"})
    one = call(api, "/api/v1/customers/", token=staff_token, query={"q": "P007"})
    second = call(api, "/api/v1/customers/", token=staff_token,
                  query={"q": "martin", "page": 2})
    short = call(api, "/api/v1/customers/", token=staff_token, query={"q": "m"})

    assert (many.json()["count"], many.json()["more_than"]) == (None, NAME_CANDIDATES)
    assert (one.json()["count"], one.json()["more_than"]) == (1, None)
    assert second.status_code == 404 and second.json()["field"] == "page"
    assert short.status_code == 400 and "q" in short.json()
