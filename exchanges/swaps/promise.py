"""The delivery promise of a home swap: when the replacement will be at the customer's door.

Booked before the warehouse's carrier cut-off on a working day, a parcel leaves that day and
arrives `transit_days` working days later before the carrier's delivery time; otherwise it
leaves on the next working day. Working days skip weekends and the public holidays of the
warehouse's country (for the departure) and of the destination (for the delivery), including
regional ones a postcode implies (Alsace-Moselle in France, for instance). The reasons are
English sentences built from msgids, shown in the reader's language (hotline.i18n).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils.translation import gettext_noop as N_

# Postcode prefixes that imply a holiday subdivision of the `holidays` package.
_SUBDIVISION_BY_POSTCODE = {
    "FR": [("57", "57"), ("67", "6AE"), ("68", "6AE"), ("971", "971"), ("972", "972"),
           ("973", "973"), ("974", "974"), ("976", "976")],
}


@dataclass(frozen=True)
class PromiseRules:
    """How a warehouse and its carrier turn a booking time into a delivery time."""

    warehouse_country: str
    warehouse_tz: str = "Europe/Paris"
    cutoff: datetime.time = datetime.time(17, 0)
    delivery_by: datetime.time = datetime.time(12, 0)
    transit_days: int = 1
    saturday_delivery: bool = False


@dataclass(frozen=True)
class Promise:
    """What the operator tells the customer, and why."""

    booked_at: datetime.datetime
    ships_on: datetime.date
    deliver_by: datetime.datetime
    reasons: tuple[str, ...] = field(default=())

    @property
    def hours_from_booking(self) -> float:
        return (self.deliver_by - self.booked_at).total_seconds() / 3600

    @property
    def within_24h(self) -> bool:
        return self.hours_from_booking <= 24

    def as_dict(self) -> dict:
        return {
            "booked_at": self.booked_at.isoformat(),
            "ships_on": self.ships_on.isoformat(),
            "deliver_by": self.deliver_by.isoformat(),
            "hours_from_booking": round(self.hours_from_booking, 2),
            "within_24h": self.within_24h,
            "reasons": list(self.reasons),
        }


def holiday_subdivision(country: str, postcode: str) -> str | None:
    """Return the `holidays` subdivision a postcode implies, if any."""
    for prefix, subdiv in _SUBDIVISION_BY_POSTCODE.get(country.upper(), []):
        if postcode.replace(" ", "").startswith(prefix):
            return subdiv
    return None


@lru_cache(maxsize=256)
def _calendar(country: str, subdiv: str | None, year: int):
    """Return the public holidays of `country` (none for a country the package does not know:
    promise_compute says so in its reasons)."""
    try:
        return holidays.country_holidays(country, subdiv=subdiv, years=[year, year + 1])
    except NotImplementedError:
        return {}


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def holidays_known(country: str) -> bool:
    return (country or "").upper() in _supported()


def holiday_name(day: datetime.date, *, country: str, subdiv: str | None = None) -> str | None:
    return _calendar(country.upper(), subdiv, day.year).get(day)


def _next_working_day(day, *, country, subdiv, saturday_ok, reasons) -> datetime.date:
    """Return `day` or the first working day after it, noting what was skipped."""
    while True:
        name = holiday_name(day, country=country, subdiv=subdiv)
        if name:
            reasons.append(N_("%(day)s is a public holiday in %(place)s: %(name)s") % {
                "day": day.isoformat(), "place": f"{country} ({subdiv})" if subdiv else country,
                "name": name})
        elif day.weekday() == 6:
            reasons.append(N_("%(day)s is a Sunday: no delivery or dispatch") % {
                "day": day.isoformat()})
        elif day.weekday() == 5 and not saturday_ok:
            reasons.append(N_("%(day)s is a Saturday: no delivery or dispatch") % {
                "day": day.isoformat()})
        else:
            return day
        day += datetime.timedelta(days=1)


def promise_compute(
    *, rules: PromiseRules, at: datetime.datetime, country: str, postcode: str,
    destination_tz: str | None = None,
) -> Promise:
    """Return the promised delivery for a swap booked at `at` to `postcode`, `country`."""
    if at.tzinfo is None:
        raise ValueError("the booking time must be timezone-aware")
    reasons: list[str] = []
    for place in dict.fromkeys([rules.warehouse_country.upper(), country.upper()]):
        if not holidays_known(place):
            reasons.append(N_("public holidays of %(place)s are not known: none counted")
                           % {"place": place or "?"})
    local = at.astimezone(zoneinfo.ZoneInfo(rules.warehouse_tz))
    ship = local.date()
    if local.time() >= rules.cutoff:
        reasons.append(N_("booked after the %(cutoff)s cut-off: ships the next working day")
                       % {"cutoff": f"{rules.cutoff:%H:%M}"})
        ship += datetime.timedelta(days=1)
    ship = _next_working_day(ship, country=rules.warehouse_country.upper(), subdiv=None,
                             saturday_ok=False, reasons=reasons)
    subdiv = holiday_subdivision(country, postcode)
    deliver = ship
    for _ in range(rules.transit_days):
        deliver = _next_working_day(deliver + datetime.timedelta(days=1),
                                    country=country.upper(), subdiv=subdiv,
                                    saturday_ok=rules.saturday_delivery, reasons=reasons)
    tz = zoneinfo.ZoneInfo(destination_tz or rules.warehouse_tz)
    deliver_by = datetime.datetime.combine(deliver, rules.delivery_by, tzinfo=tz)
    return Promise(booked_at=at, ships_on=ship, deliver_by=deliver_by, reasons=tuple(reasons))
