"""The API docs come from our own static files, and the schema tells the truth about the
partner endpoints."""

import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["api-docs", "api-swagger"])
def test_the_docs_load_their_scripts_from_our_static_files(client, name):
    page = client.get(reverse(name)).content.decode()

    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()


@pytest.fixture
def schema(operator_client):
    return yaml.safe_load(operator_client.get(reverse("api-schema")).content)


def test_the_case_list_is_a_cursor_page_of_public_cases(schema):
    ok = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]
    page = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    results = schema["components"]["schemas"][page]["properties"]["results"]

    assert results["type"] == "array"
    assert results["items"]["$ref"].endswith("/CasePublic")


def test_nullable_fields_are_marked_and_status_is_the_vocabulary(schema):
    case = schema["components"]["schemas"]["CasePublic"]["properties"]

    assert case["promise"].get("nullable") or "oneOf" in case["promise"] or \
        case["promise"].get("allOf")
    assert case["external_reference"]["nullable"] is True
    status = schema["components"]["schemas"]["PublicStatusEnum"]["enum"]
    assert "replacement_shipped" in status and "in_service" not in status


@pytest.mark.parametrize(("path", "method", "codes"), [
    ("/api/v1/cases/", "get", {"200", "400", "401", "403", "429"}),
    ("/api/v1/cases/", "post", {"201", "400", "401", "403", "422", "429"}),
    ("/api/v1/cases/{number}/", "get", {"200", "401", "403", "404"}),
    ("/api/v1/webhooks/{id}/test/", "post", {"202", "401", "403", "404"}),
])
def test_error_responses_are_documented(schema, path, method, codes):
    documented = set(schema["paths"][path][method]["responses"])

    assert codes <= documented


def test_the_key_scheme_is_documented(schema):
    assert schema["components"]["securitySchemes"]["ApiKey"]["in"] == "header"
