"""Case and customer pages are assembled from panels that each app contributes.

An app lists dotted paths in its AppConfig's `case_panels` (or `customer_panels`); each is a
function `(request, obj) -> Panel | None`. The hotline app knows nothing of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


def panels_for(kind: str, request, obj) -> list[Panel]:
    found = []
    for config in apps.get_app_configs():
        for path in getattr(config, f"{kind}_panels", ()):
            panel = import_string(path)(request, obj)
            if panel is not None:
                found.append(panel)
    return sorted(found, key=lambda panel: panel.order)
