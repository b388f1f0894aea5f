"""Logs: one line per event, no traceback for the refusals we expect, no secrets or tokens."""

import io
import logging

import pytest
from rest_framework.test import APIClient

from hotline.logging import KeyValueFormatter, redact

pytestmark = pytest.mark.django_db
SECRETS = ["hunter2-Secret-pw", "0123456789abcdef0123456789abcdef01234567",
           "cti-Bearer-Secret-42", "QuoteLinkToken0123456789abcdefXYZ"]


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_expected_refusals_are_logged_on_one_line_each_without_traceback_or_secret(
        client, operator, log_lines, settings):
    settings.CALLS_CTI_TOKENS = ["the-real-token-000"]
    client.force_login(operator)
    client.get("/calls/wallboard/")                                   # 403 (supervisors)
    client.get(f"/exchanges/quotes/{SECRETS[3]}/")                    # 404, token in path
    client.logout()
    client.post("/login/", {"username": "op", "password": SECRETS[0]})  # wrong password
    APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {SECRETS[1]}")  # 401
    APIClient().post("/api/v1/cti/events/", {}, format="json",
                     HTTP_AUTHORIZATION=f"Bearer {SECRETS[2]}")       # 403

    lines = log_lines()
    text = "\n".join(lines)

    assert lines, "the refusals were logged"
    assert all(line.split(" ", 1)[0][:2] == "20" for line in lines), "one event per line"
    assert "Traceback" not in text
    for secret in SECRETS:
        assert secret not in text


def test_a_server_error_keeps_its_traceback_on_the_events_line():
    formatter = KeyValueFormatter()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), None)
        import sys

        record.exc_info = sys.exc_info()
        record.status_code = 500

    line = formatter.format(record)

    assert "\n" not in line
    assert "exc=" in line and "RuntimeError: boom" in line


@pytest.mark.parametrize("text,secret", [
    ("Authorization: Bearer abcdefgh12345", "abcdefgh12345"),
    ("password=hunter2", "hunter2"),
    ("GET /exchanges/quotes/AbCdEf0123456789xyz/", "AbCdEf0123456789xyz"),
    ("api_key: k3y-value-99", "k3y-value-99"),
])
def test_secrets_are_redacted(text, secret):
    assert secret not in redact(text)


def test_case_numbers_imeis_and_tracking_numbers_are_kept():
    text = "case=HL-2026-000123 imei=352099001761481 tracking_number=HS2279973040"

    assert redact(text) == text
