"""Read settings from the environment, strictly.

Every reader names the variable in its error, so a bad deployment stops at start-up with a
message an operator can act on, instead of failing later in a request.
"""

from __future__ import annotations

import decimal
import os
import secrets
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    """A strict view of an environment mapping (os.environ by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def error(self, name: str, message: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{name}: {message}")

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self._raw(name)
        if value is None:
            if required:
                raise self.error(name, "is required but not set")
            return default
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self.error(name, f"expected a boolean (true/false, 1/0, yes/no), got {value!r}")

    def int(self, name: str, default: int, *, min_value: int | None = None,
            max_value: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise self.error(name, f"expected an integer, got {value!r}") from None
        if min_value is not None and number < min_value:
            raise self.error(name, f"must be at least {min_value}, got {number}")
        if max_value is not None and number > max_value:
            raise self.error(name, f"must be at most {max_value}, got {number}")
        return number

    def decimal(self, name: str, default: str) -> decimal.Decimal:
        """Return a non-negative decimal number (an amount, a rate)."""
        value = self._raw(name) or default
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            raise self.error(name, f"expected a decimal number, got {value!r}") from None
        if not number.is_finite() or number < 0:
            raise self.error(name, f"expected a non-negative decimal number, got {value!r}")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            raise self.error(name, "expected a comma-separated list, got nothing")
        return items

    def int_list(self, name: str, default: list[int], *, min_value: int | None = None
                 ) -> list[int]:
        """Return a comma-separated list of integers, e.g. reminder days `3,7,10`."""
        numbers = []
        for item in self.list(name, [str(number) for number in default]):
            try:
                number = int(item)
            except ValueError:
                raise self.error(name, f"expected integers separated by commas, got {item!r}"
                                 ) from None
            if min_value is not None and number < min_value:
                raise self.error(name, f"every value must be at least {min_value}, got {number}")
            numbers.append(number)
        return numbers

    def choice(self, name: str, default: str, choices: list[str]) -> str:
        value = self._raw(name) or default
        if value not in choices:
            raise self.error(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def url(self, name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
        value = self._raw(name)
        if value is None:
            return default
        parsed = urlparse(value)
        if parsed.scheme not in schemes:
            raise self.error(
                name, f"expected a URL with scheme {' or '.join(schemes)}, got {parsed.scheme!r}"
            )
        if parsed.scheme not in ("sqlite",) and not parsed.hostname and not parsed.path:
            raise self.error(name, f"has no host: {value!r}")
        return value

    def database(self, name: str, default: str, *, conn_max_age: int = 0,
                 health_checks: bool = False) -> dict:
        """Return Django's DATABASES entry for the URL in `name`.

        `conn_max_age` keeps a connection open across requests for that many seconds (0: a
        new connection per request); `health_checks` pings a reused connection first, so a
        database restart costs one reconnection instead of a failed request.
        """
        import dj_database_url

        value = self.url(
            name, default, schemes=("sqlite", "postgres", "postgresql", "pgsql", "postgis")
        )
        try:
            config = dj_database_url.parse(value, conn_max_age=conn_max_age,
                                            conn_health_checks=health_checks)
        except ValueError as exc:
            raise self.error(name, str(exc)) from None
        if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
            raise self.error(name, "names no database (postgres://user@host:5432/DBNAME)")
        return config

    def timezone(self, name: str, default: str) -> str:
        value = self._raw(name) or default
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.error(name, f"unknown time zone {value!r}") from None
        return value

    def secret_key(self, name: str, *, debug: bool, keep_in: Path) -> str:
        """Return the secret key; in DEBUG without one, generate it once under var/."""
        value = self._raw(name)
        if value is not None:
            if not debug and len(value) < 50:
                raise self.error(name, "must be at least 50 characters when DEBUG is off")
            return value
        if not debug:
            raise self.error(name, "is required when DEBUG is off")
        keep_in.parent.mkdir(parents=True, exist_ok=True)
        if not keep_in.exists():
            keep_in.write_text(secrets.token_urlsafe(64))
            keep_in.chmod(0o600)
        return keep_in.read_text().strip()
