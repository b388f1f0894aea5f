"""Units in the field: the denominator of every rate, from the imported installed base."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Sum

from quality.models import InstalledBase, month_start


def shipped_by_month(*, model_ids=None, country: str = "") -> dict[int, dict[datetime.date, int]]:
    """Return model id -> {month: units shipped}. A row for every country ('') wins over the
    per-country rows of the same month; a country filter reads that country's rows only."""
    rows = InstalledBase.objects.all()
    if model_ids is not None:
        rows = rows.filter(model_id__in=model_ids)
    if country:
        rows = rows.filter(country=country.upper())
    totals = rows.values("model_id", "month", "country").annotate(units=Sum("units"))
    whole: dict[tuple, int] = {}
    parts: dict[tuple, int] = defaultdict(int)
    for row in totals:
        key = (row["model_id"], row["month"])
        if row["country"] == "":
            whole[key] = row["units"]
        else:
            parts[key] += row["units"]
    found: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for key in set(whole) | set(parts):
        found[key[0]][key[1]] = whole.get(key, parts.get(key, 0))
    return found


def in_field(months: dict[datetime.date, int], day: datetime.date) -> int:
    """Return the units shipped up to (and including) `day`'s month."""
    limit = month_start(day)
    return sum(units for month, units in months.items() if month <= limit)


def in_field_series(months: dict[datetime.date, int], days: list[datetime.date]) -> list[int]:
    """Units in the field on each of `days` (sorted), computed in one pass."""
    ordered = sorted(months.items())
    result, total, index = [], 0, 0
    for day in days:
        limit = month_start(day)
        while index < len(ordered) and ordered[index][0] <= limit:
            total += ordered[index][1]
            index += 1
        result.append(total)
    return result
