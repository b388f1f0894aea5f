"""Registries of pluggable adapters (couriers, payment providers), filled from settings.

One setting lists the adapter classes by dotted path, another gives each (by its `code`) its
options, read from the environment; an optional third names the default. Adapters are built
once per process and rebuilt when a test changes those settings (or SECRET_KEY)."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string


class AdapterRegistry:
    def __init__(self, *, kind: str, classes: str, options: str, error: type[Exception],
                 default: str | None = None):
        self.kind = kind  # "carrier", "payment provider": named in error messages
        self.classes_setting, self.options_setting = classes, options
        self.default_setting = default
        self.error = error
        self._built: dict | None = None
        setting_changed.connect(self._reset, weak=False)

    def all(self) -> dict:
        """Return every configured adapter, by code, built once per process."""
        if self._built is None:
            found = {}
            options = getattr(settings, self.options_setting, {})
            for path in getattr(settings, self.classes_setting):
                try:
                    cls = import_string(path)
                except ImportError as exc:
                    raise self.error(f"{self.classes_setting} names {path!r}, which cannot be "
                                     f"imported: {exc}") from None
                adapter = cls(options=dict(options.get(cls.code, {})))
                found[adapter.code] = adapter
            self._built = found
        return self._built

    def get(self, code: str | None = None):
        """Return the adapter registered under `code` (the default one when None and a
        default is configured), or say clearly which ones exist."""
        if code is None and self.default_setting:
            code = getattr(settings, self.default_setting)
        adapters = self.all()
        try:
            return adapters[code]
        except KeyError:
            known = ", ".join(sorted(adapters)) or "none"
            raise self.error(f"Unknown {self.kind} {code!r}; registered {self.kind}s: "
                             f"{known}.") from None

    def choices(self) -> list[tuple[str, str]]:
        return [(code, adapter.name) for code, adapter in sorted(self.all().items())]

    def cache_clear(self) -> None:
        self._built = None

    def _reset(self, *, setting, **_kwargs):
        if setting in (self.classes_setting, self.options_setting, "SECRET_KEY"):
            self.cache_clear()
