"""The API schema tells the truth about errors: every operation documents the error answers
it can give, with their bodies (drf-spectacular, `DEFAULT_SCHEMA_CLASS`).

What each error looks like comes from `hotline.api.exceptions.exception_handler`:
- 400: the fields at fault (`{"field": ["message"]}`, `non_field_errors`, nested objects for
  nested fields), or a domain error's `{"detail", "code", "field"}`;
- 401, 403, 404, 409, 422, 429: `{"detail"}`, with `code` (and `field`) for domain errors;
  a 429 says when to come back in `Retry-After`.

Which operation gives which: every one may refuse credentials (401), a role or scope (403)
and throttle (429); one with parameters or a body may refuse them (400); one with a path
parameter, or a paginated list, may find nothing (404); one that changes something may meet
an illegal transition or a stale version (409) or a business rule (422). An operation that
documents a code itself keeps its own entry.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.fields import empty

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A page that does not exist (`?page=99`, a stale cursor) is a 404.
PAGE_PARAMETERS = frozenset({"page", "cursor"})


class ErrorSerializer(serializers.Serializer):
    """An error answer: what went wrong, in the request's language."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False,
                                 help_text=gettext_lazy("A stable code, for programs."))
    field = serializers.CharField(required=False,
                                  help_text=gettext_lazy("The field or parameter at fault."))


def validation_error() -> dict:
    """Return the body of a 400: the fields at fault, each with its messages (a list), or an
    object for a nested field, or a list of objects for a list of nested items."""
    return {
        "type": "object",
        "description": gettext("The fields at fault, each with its messages; or a detail with "
                               "the field at fault."),
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "field": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
            ],
        },
    }


def retry_after() -> dict:
    """Return the header a 429 carries."""
    return {"Retry-After": {"schema": {"type": "integer", "minimum": 0},
                            "description": gettext("Seconds to wait before trying again.")}}


def error_responses() -> dict[int, OpenApiResponse]:
    """Return every documented error answer, by status code, in the active language."""
    return {
        400: OpenApiResponse(validation_error(), description=gettext(
            "Bad input: the fields or parameters at fault.")),
        401: OpenApiResponse(ErrorSerializer, description=gettext("No or bad credentials.")),
        403: OpenApiResponse(ErrorSerializer, description=gettext(
            "Your role or your key's scopes do not allow this.")),
        404: OpenApiResponse(ErrorSerializer, description=gettext(
            "Absent, or not yours (or no such page of a list).")),
        409: OpenApiResponse(ErrorSerializer, description=gettext(
            "Not allowed in the current state, or changed by someone else meanwhile.")),
        422: OpenApiResponse(ErrorSerializer, description=gettext(
            "A business rule refused it.")),
        429: OpenApiResponse(ErrorSerializer, description=gettext(
            "Too many requests: try again after Retry-After seconds.")),
    }


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with every error answer an operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = error_responses()
        for code in self.error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    errors[code], str(code), direction=direction)
        if "429" in responses:
            responses["429"].setdefault("headers", {}).update(retry_after())
        return responses

    def error_codes(self) -> list[int]:
        """Return the error codes this operation can answer with."""
        codes = [401, 403, 429]
        has_path_parameter = "{" in self.path
        parameters = self._get_parameters()
        if parameters or self.method in UNSAFE_METHODS:
            codes.append(400)
        if has_path_parameter or any(p.get("name") in PAGE_PARAMETERS and p.get("in") == "query"
                                     for p in parameters):
            codes.append(404)
        if self.method in UNSAFE_METHODS:
            codes += [409, 422]
        return sorted(codes)

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # An output field that falls back on None (`default=None`, its source missing) is null
        # in those answers.
        if getattr(field, "default", empty) is None:
            meta["nullable"] = True
        return meta
