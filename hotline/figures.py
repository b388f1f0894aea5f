"""Wallboard figures that apps plug in, and the case outcomes the hotline app itself adds.

An app lists dotted paths in its AppConfig's `wallboard_figures`; each is a function
`() -> list[Figure]`. The wallboard (calls) shows what the providers give, ordered by
`Figure.order`, and knows no other app's keys: an app that is not installed adds no tile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hotline.models import AuditEvent, CaseStatus
from hotline.timeutils import local_day_bounds


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | str | None  # None is shown as "—", never as a made-up number
    tone: str = ""  # "", "good", "warn", "bad"
    order: int = 50


def figures_plugged() -> list[Figure]:
    """Collect the figures every app's providers return, in order (the first key wins)."""
    found: dict[str, Figure] = {}
    for config in apps.get_app_configs():
        for path in getattr(config, "wallboard_figures", ()):
            for figure in import_string(path)() or ():
                found.setdefault(figure.key, figure)
    return sorted(found.values(), key=lambda figure: figure.order)


def case_outcomes_today() -> list[Figure]:
    """Advice outcomes today: cases that reached `advised` today, from the audit trail.

    Swaps and visits are counted by the app that orders them, not guessed here.
    """
    start, end = local_day_bounds()
    advised = (AuditEvent.objects.filter(at__gte=start, at__lt=end, case__isnull=False,
                                         target=CaseStatus.ADVISED)
               .values("case").distinct().count())
    return [Figure(key="outcome_advice", label=_("Advice given today"), value=advised, order=10)]
