"""The service point directory: which shops repair a handset near a customer, and the CSV
import that keeps the directory."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from hotline.errors import DomainError
from repairs.models import ReferralStatus, ServicePoint
from repairs.models.points import normalise_postcode, postcode_distance

# --- proposals -------------------------------------------------------------------------------


@dataclass
class PointProposal:
    """A service point that repairs the model and serves the postcode, with why it ranks so."""

    point: ServicePoint
    day: datetime.date | None
    capacity_left: int
    distance: int

    @property
    def full(self) -> bool:
        return self.capacity_left <= 0


def service_point_proposals(*, model, postcode: str, country: str,
                            today: datetime.date | None = None) -> list[PointProposal]:
    """Return the active service points that repair `model` and serve `postcode`, best first:
    most capacity left on their next open day, then nearest by postcode."""
    today = today or datetime.date.today()
    found = []
    for point in ServicePoint.objects.active():
        if not (point.repairs(model) and point.serves(postcode=postcode, country=country)):
            continue
        day = point.next_open_day(today)
        found.append((point, day))
    booked = _booked_per_point_day([(point.pk, day) for point, day in found if day])
    proposals = [PointProposal(point=point, day=day,
                               capacity_left=(point.daily_capacity - booked.get((point.pk, day), 0))
                               if day else 0,
                               distance=postcode_distance(point.postcode, postcode))
                 for point, day in found]
    return sorted(proposals, key=lambda p: (-max(p.capacity_left, 0), p.distance, p.point.name))


def _booked_per_point_day(pairs) -> dict:
    """Referrals expected per (service point, drop-off day), counted in one query."""
    if not pairs:
        return {}
    condition = Q()
    for point_id, day in pairs:
        condition |= Q(service_point_id=point_id, drop_off_day=day)
    from repairs.models import Referral

    rows = (Referral.objects.filter(condition).exclude(
        status__in=[ReferralStatus.CANCELLED, ReferralStatus.NO_SHOW])
        .values("service_point_id", "drop_off_day").annotate(n=Count("id")).order_by())
    return {(row["service_point_id"], row["drop_off_day"]): row["n"] for row in rows}


# --- the CSV import --------------------------------------------------------------------------
COLUMNS = ["code", "name", "street", "postcode", "city", "country", "phone", "email",
           "timezone", "hours", "holidays", "brands", "families", "postcodes",
           "daily_capacity", "walk_in", "appointment", "what_to_bring", "active"]
REQUIRED = ["code", "name", "street", "postcode", "city", "postcodes", "daily_capacity"]
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
        "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_POSTCODE_RULE = re.compile(r"^[0-9A-Z]+(-[0-9A-Z]+)?$")
_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
TRUE, FALSE = {"yes", "y", "true", "1", "oui"}, {"no", "n", "false", "0", "non", ""}


class ImportRefused(DomainError):
    """The file has errors: nothing was imported; `errors` names each line and column."""

    http_status = 400

    def __init__(self, errors: list[str]):
        super().__init__(_("The file has %(count)s error(s); nothing was imported.")
                         % {"count": len(errors)}, code="import_refused")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


def parse_hours(text: str) -> dict:
    """Parse "Mon-Fri 09:00-12:00,14:00-18:00; Sat 09:00-12:00" into opening hours."""
    hours: dict[str, list[list[str]]] = {}
    for segment in filter(None, (part.strip() for part in text.split(";"))):
        days_text, _sep, ranges_text = segment.partition(" ")
        days = _parse_days(days_text)
        ranges = []
        for item in filter(None, (part.strip() for part in ranges_text.split(","))):
            match = _TIME_RANGE.match(item)
            if match is None or item[:5] >= item[6:]:
                raise ValueError(_("%(value)r is not an opening range like 09:00-12:00.")
                                 % {"value": item})
            ranges.append([item[:5], item[6:]])
        if not ranges:
            raise ValueError(_("%(value)r gives days but no hours.") % {"value": segment})
        for day in days:
            hours.setdefault(str(day), []).extend(ranges)
    for ranges in hours.values():
        ranges.sort()
        for (_start, end), (start, _end) in zip(ranges, ranges[1:], strict=False):
            if start < end:
                raise ValueError(_("opening ranges overlap."))
    return hours


def _parse_days(text: str) -> list[int]:
    days = []
    for item in text.lower().split(","):
        first, _sep, last = item.partition("-")
        if first[:3] not in DAYS or (last and last[:3] not in DAYS):
            raise ValueError(_("%(value)r is not a weekday or a range like Mon-Fri.")
                             % {"value": item})
        low, high = DAYS[first[:3]], DAYS[last[:3]] if last else DAYS[first[:3]]
        if high < low:
            raise ValueError(_("%(value)r runs backwards.") % {"value": item})
        days.extend(range(low, high + 1))
    return days


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split("|") if item.strip()]


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(_("%(value)r is not yes or no.") % {"value": text})


def _clean_row(row: dict) -> dict:
    """Return the model fields of one CSV row, or raise KeyError(column, message)."""
    def fail(column, message):
        raise _CellError(column, message)

    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            fail(column, _("required."))
    data = {key: (row.get(key) or "").strip() for key in COLUMNS}
    if not _CODE.match(data["code"]) or len(data["code"]) > 30:
        fail("code", _("letters, digits, - and _ only, at most 30."))
    country = (data["country"] or "FR").upper()
    if not re.match(r"^[A-Z]{2}$", country):
        fail("country", _("a two-letter country code, e.g. FR."))
    tz = data["timezone"] or "Europe/Paris"
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail("timezone", _("%(value)r is not a time zone.") % {"value": tz})
    try:
        hours = parse_hours(data["hours"]) if data["hours"] else None
    except ValueError as exc:
        fail("hours", str(exc))
    holidays = _list(data["holidays"])
    for day in holidays:
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            fail("holidays", _("%(value)r is not a date like 2026-12-24.") % {"value": day})
    postcodes = [normalise_postcode(item) for item in _list(data["postcodes"])]
    for rule in postcodes:
        low, _sep, high = rule.partition("-")
        if not _POSTCODE_RULE.match(rule) or (high and (len(low) != len(high) or low > high)):
            fail("postcodes", _("%(value)r is neither a prefix (75) nor a range "
                                "(75001-75020).") % {"value": rule})
    try:
        capacity = int(data["daily_capacity"])
        if not 1 <= capacity <= 10000:
            raise ValueError
    except ValueError:
        fail("daily_capacity", _("a whole number from 1 to 10000."))
    flags = {}
    for column, default in (("walk_in", True), ("appointment", False), ("active", True)):
        try:
            flags[column] = _bool(data[column]) if data[column] else default
        except ValueError as exc:
            fail(column, str(exc))
    if not (flags["walk_in"] or flags["appointment"]):
        fail("appointment", _("a service point takes walk-ins, appointments or both."))
    fields = {"name": data["name"][:120], "street": data["street"][:200],
              "postcode": normalise_postcode(data["postcode"])[:12], "city": data["city"][:100],
              "country": country, "phone": data["phone"][:30], "email": data["email"][:254],
              "timezone": tz, "holidays": holidays, "brands": _list(data["brands"]),
              "families": _list(data["families"]), "postcodes": postcodes,
              "daily_capacity": capacity, "what_to_bring": data["what_to_bring"], **flags}
    if hours is not None:
        fields["opening_hours"] = hours
    return fields


class _CellError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column, self.message = column, message


def service_points_import(*, text: str) -> ImportResult:
    """Create or update the service points of a CSV file, all or nothing, keyed by `code`.

    Every line is checked first; one error anywhere and nothing changes, and each error names
    its line and column. Importing the same file twice changes nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        errors = []
        if missing:
            errors.append(_("line 1: missing column(s) %(columns)s.") % {
                "columns": ", ".join(missing)})
        if unknown:
            errors.append(_("line 1: unknown column(s) %(columns)s; known: %(known)s.") % {
                "columns": ", ".join(unknown), "known": ", ".join(COLUMNS)})
        raise ImportRefused(errors)
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(_("line %(line)s: more cells than columns.") % {"line": line})
            continue
        try:
            fields = _clean_row(row)
        except _CellError as exc:
            errors.append(_("line %(line)s, column %(column)s: %(message)s") % {
                "line": line, "column": exc.column, "message": exc.message})
            continue
        code = row["code"].strip()
        if code in seen:
            errors.append(_("line %(line)s, column code: %(code)s is already on line "
                            "%(first)s.") % {"line": line, "code": code, "first": seen[code]})
            continue
        seen[code] = line
        rows.append((code, fields))
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([_("The file has no service point.")])
    result = ImportResult()
    with transaction.atomic():
        existing = {point.code: point for point in ServicePoint.objects.select_for_update()
                    .filter(code__in=[code for code, _fields in rows])}
        for code, fields in rows:
            point = existing.get(code)
            result.codes.append(code)
            if point is None:
                ServicePoint.objects.create(code=code, **fields)
                result.created += 1
            elif any(getattr(point, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(point, key, value)
                point.save()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
