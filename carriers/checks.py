"""Start-up checks: a misconfigured courier stops `manage.py` with a message naming the
variable, instead of failing on the first booking."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from carriers.domain import CarrierError
from carriers.registry import carriers_all
from carriers.sandbox import _parse_mix


@register("carriers")
def carriers_configured(app_configs=None, **kwargs) -> list[Error]:
    try:
        adapters = carriers_all()
    except CarrierError as exc:
        return [Error(exc.message, hint="Fix CARRIERS.", id="carriers.E001")]
    errors = []
    if "mydhl" in adapters:
        options = settings.HOTLINE_CARRIER_OPTIONS.get("mydhl", {})
        for key, variable in (("api_key", "MYDHL_API_KEY"), ("api_secret", "MYDHL_API_SECRET"),
                              ("account", "MYDHL_ACCOUNT")):
            if not options.get(key):
                errors.append(Error(f"{variable}: required when the MyDHL carrier is "
                                    "registered.", id="carriers.E002"))
    if "sandbox" in adapters:
        try:
            _parse_mix(settings.HOTLINE_CARRIER_OPTIONS.get("sandbox", {}).get("mix") or "")
        except (CarrierError, ValueError) as exc:
            errors.append(Error(f"SANDBOX_MIX: {exc}", hint="e.g. normal=80,lost=1",
                                id="carriers.E003"))
    return errors
