"""CSV imports of QA data: production batches, field returns, installed base.

One code path serves the management commands and the console's upload: every bad row is
reported with its line and column, and nothing is written from a file with errors unless
`skip_invalid` (the rejects are then written to a file next to it, or returned).
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from diagnostics.models import FaultCode
from hotline.models import HandsetModel, Tac
from hotline.validators import validate_imei
from quality.models import Batch, DefectRecord, InstalledBase, Source, Verdict, month_start
from quality.services import Evidence, _fill_new, rollup_rebuild

PROGRESS_FROM = 2000  # rows: a progress bar on larger files
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)

BATCH_COLUMNS = ["batch", "model", "imei_from", "imei_to", "manufactured_on"]
RETURN_COLUMNS = ["date", "imei", "model", "fault_code", "batch", "country", "source", "reference"]
BASE_COLUMNS = ["month", "model", "units", "country"]
RETURN_SOURCES = {"repair_partner": Source.REPAIR_PARTNER, "distributor": Source.DISTRIBUTOR,
                  "hotline": Source.HOTLINE}


class RowInvalid(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("line %(line)d, column %(column)s: %(message)s") % {
                "line": self.line, "column": self.column, "message": self.message}
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False
    rejects: str = ""  # the rejects file's path, or its CSV text for an upload
    rejected_rows: list[tuple[int, dict, RowError]] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(rows)d rows: %(added)d added, %(updated)d updated, %(unchanged)d already "
                 "there, %(errors)d rejected.") % {
            "rows": self.rows, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "errors": len(self.errors)}


# --- helpers for the row checks --------------------------------------------------------------
class BatchRanges:
    """The batches' IMEI ranges in memory: the batch of an IMEI without a query per row (what
    quality.services.batch_for_imei answers: the range with the highest start holding it)."""

    def __init__(self, batches):
        self.ranges = sorted(((b.imei_from, b.imei_to, b) for b in batches if b.imei_from),
                             key=lambda item: item[0])
        self.starts = [start for start, _end, _b in self.ranges]
        self.reach, highest = [], ""  # the highest range end up to each position
        for _start, end, _b in self.ranges:
            highest = max(highest, end)
            self.reach.append(highest)

    def find(self, imei: str) -> Batch | None:
        index = bisect.bisect_right(self.starts, imei) - 1
        while index >= 0 and self.reach[index] >= imei:
            start, end, found = self.ranges[index]
            if end >= imei:
                return found
            index -= 1
        return None


class Catalogue:
    """Model and fault lookups loaded once per file."""

    def __init__(self):
        self.models = {f"{m.brand} {m.name}".casefold(): m for m in HandsetModel.objects.all()}
        self.tacs = dict(Tac.objects.values_list("tac", "model_id"))
        self.faults = dict(FaultCode.objects.values_list("code", "category"))
        self.batches = {b.code: b for b in Batch.objects.all()}
        self.ranges = BatchRanges(self.batches.values())

    def model(self, value: str, column: str = "model") -> HandsetModel:
        found = self.models.get(" ".join(value.split()).casefold())
        if found is None:
            raise RowInvalid(column, _("unknown model %(value)r: write it as in the catalogue "
                                       "(brand and name, e.g. Nordline N5).") % {"value": value})
        return found


def _date(value: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RowInvalid(column, _("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}) from None


def _month(value: str, column: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise RowInvalid(column, _("%(value)r is not a month (YYYY-MM).") % {"value": value}) from None


def _imei(value: str, column: str) -> str:
    try:
        return validate_imei(value)
    except ValidationError as exc:
        raise RowInvalid(column, " ".join(exc.messages)) from None


def _country(value: str, column: str = "country") -> str:
    code = value.strip().upper()
    if code and code not in COUNTRIES:
        raise RowInvalid(column, _("%(value)r is not an ISO 3166 alpha-2 country code.")
                         % {"value": value})
    return code


# --- the reading loop --------------------------------------------------------------------------
def _read(source, columns: list[str]) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Return (line, row) pairs, or a header error."""
    text = source.read() if hasattr(source, "read") else Path(source).read_bytes()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowError(1, "", _("the file is not UTF-8 text."))]
    try:
        return _rows(csv.reader(io.StringIO(text, newline="")), columns)
    except csv.Error as exc:  # e.g. a bare carriage return inside an unquoted field
        return [], [RowError(_line_of(exc), "", _("the file is not valid CSV: %(error)s")
                             % {"error": exc})]


def _line_of(exc) -> int:
    found = re.search(r"line (\d+)", str(exc))
    return int(found.group(1)) if found else 1


def _rows(reader, columns: list[str]) -> tuple[list[tuple[int, dict]], list[RowError]]:
    header = next(reader, None)
    if header is None:
        return [], [RowError(1, "", _("the file is empty."))]
    header = [name.strip().lower() for name in header]
    missing = [name for name in columns if name not in header]
    if missing:
        return [], [RowError(1, ", ".join(missing), _("missing column(s); the header must be "
                                                       "%(columns)s.") % {"columns": ",".join(columns)})]
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            rows.append((line, {"__width__": len(values)}))
            continue
        rows.append((line, {name: value.strip() for name, value in zip(header, values, strict=True)}))
    return rows, []


def _run(source, *, columns, check: Callable, write: Callable, skip_invalid: bool,
         progress, rejects_path: Path | None) -> ImportResult:
    result = ImportResult()
    rows, header_errors = _read(source, columns)
    if header_errors:
        result.errors = header_errors
        return result
    result.rows = len(rows)
    bar = tqdm(total=len(rows), unit="rows", file=progress, disable=progress is None
               or len(rows) < PROGRESS_FROM, desc=_("checking"))
    good, context = [], {"seen": {}}
    catalogue = Catalogue()
    for line, row in rows:
        bar.update(1)
        if "__width__" in row:
            error = RowError(line, "", _("%(count)d values where the header has %(expected)d.")
                             % {"count": row["__width__"], "expected": len(columns)})
            result.errors.append(error)
            result.rejected_rows.append((line, row, error))
            continue
        try:
            good.append((line, check(row, catalogue, context, line)))
        except RowInvalid as exc:
            error = RowError(line, exc.column, exc.message)
            result.errors.append(error)
            result.rejected_rows.append((line, row, error))
    bar.close()
    if result.errors and not skip_invalid:
        return result
    if result.rejected_rows:
        result.rejects = _write_rejects(result.rejected_rows, columns, rejects_path)
    with transaction.atomic():
        write(good, result, progress)
    result.imported = True
    return result


def _write_rejects(rejected, columns, path: Path | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", *columns, "error"])
    for line, row, error in rejected:
        writer.writerow([line, *[row.get(name, "") for name in columns], str(error)])
    if path is None:
        return out.getvalue()
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def rejects_path_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


# --- batches ------------------------------------------------------------------------------------
def import_batches(source, *, skip_invalid=False, progress=None, rejects_path=None) -> ImportResult:
    """Import production batches (batch,model,imei_from,imei_to,manufactured_on)."""
    return _run(source, columns=BATCH_COLUMNS, check=_check_batch, write=_write_batches,
                skip_invalid=skip_invalid, progress=progress, rejects_path=rejects_path)


def _check_batch(row, catalogue: Catalogue, context, line) -> dict:
    code = row["batch"]
    if not code:
        raise RowInvalid("batch", _("the batch code is missing."))
    if len(code) > 40:
        raise RowInvalid("batch", _("a batch code has at most 40 characters."))
    if code in context["seen"]:
        raise RowInvalid("batch", _("batch %(code)s is already on line %(line)d.")
                         % {"code": code, "line": context["seen"][code]})
    model = catalogue.model(row["model"])
    imei_from, imei_to = _imei(row["imei_from"], "imei_from"), _imei(row["imei_to"], "imei_to")
    if imei_from > imei_to:
        raise RowInvalid("imei_to", _("the range ends before it starts."))
    for column, imei in (("imei_from", imei_from), ("imei_to", imei_to)):
        tac_model = catalogue.tacs.get(imei[:8])
        if tac_model is not None and tac_model != model.pk:
            raise RowInvalid(column, _("the TAC %(tac)s belongs to another model.") % {"tac": imei[:8]})
    made = _date(row["manufactured_on"], "manufactured_on")
    if made > timezone.localdate():
        raise RowInvalid("manufactured_on", _("the date is in the future."))
    for other_line, (low, high) in context.setdefault("ranges", {}).items():
        if imei_from <= high and low <= imei_to:
            raise RowInvalid("imei_from", _("the range overlaps the one on line %(line)d.")
                             % {"line": other_line})
    overlap = (Batch.objects.exclude(code=code).exclude(imei_from="")
               .filter(imei_from__lte=imei_to, imei_to__gte=imei_from).first())
    if overlap is not None:
        raise RowInvalid("imei_from", _("the range overlaps batch %(code)s.") % {"code": overlap.code})
    context["seen"][code] = line
    context["ranges"][line] = (imei_from, imei_to)
    return {"code": code, "model": model, "imei_from": imei_from, "imei_to": imei_to,
            "manufactured_on": made}


def _write_batches(good, result: ImportResult, progress) -> None:
    for _line, data in good:
        code = data.pop("code")
        batch = Batch.objects.filter(code=code).first()
        if batch is None:
            batch = Batch.objects.create(code=code, **data)
            result.added += 1
        elif all(getattr(batch, name) == value for name, value in data.items()):
            result.unchanged += 1
            continue
        else:
            for name, value in data.items():
                setattr(batch, name, value)
            batch.save()
            result.updated += 1
        # Records of handsets in the range, still without a batch, now have one; the batch's
        # records follow a corrected manufacture date (the production month is the batch's).
        made = month_start(batch.manufactured_on)
        found = DefectRecord.objects.filter(batch__isnull=True, imei__gte=batch.imei_from,
                                            imei__lte=batch.imei_to)
        weeks = set(found.values_list("week", flat=True))
        found.update(batch=batch, production_month=made)
        DefectRecord.objects.filter(batch=batch).exclude(production_month=made).update(
            production_month=made)
        rollup_rebuild(weeks)


# --- field returns -----------------------------------------------------------------------------
def import_field_returns(source, *, skip_invalid=False, progress=None,
                         rejects_path=None) -> ImportResult:
    """Import field returns (date,imei,model,fault_code,batch,country,source,reference)."""
    return _run(source, columns=RETURN_COLUMNS, check=_check_return, write=_write_returns,
                skip_invalid=skip_invalid, progress=progress, rejects_path=rejects_path)


def _check_return(row, catalogue: Catalogue, context, line) -> Evidence:
    day = _date(row["date"], "date")
    if day > context.setdefault("today", timezone.localdate()):  # asked once per file
        raise RowInvalid("date", _("the date is in the future."))
    imei = _imei(row["imei"], "imei")
    tac_model = catalogue.tacs.get(imei[:8])
    if row["model"]:
        model = catalogue.model(row["model"])
        if tac_model is not None and tac_model != model.pk:
            raise RowInvalid("model", _("the IMEI's TAC %(tac)s is another model's.") % {"tac": imei[:8]})
        model_id = model.pk
    elif tac_model is not None:
        model_id = tac_model
    else:
        raise RowInvalid("model", _("the model is needed: the TAC %(tac)s is not in the "
                                    "catalogue.") % {"tac": imei[:8]})
    fault = row["fault_code"].upper()
    if fault not in catalogue.faults:
        raise RowInvalid("fault_code", _("unknown fault code %(value)r.") % {"value": row["fault_code"]})
    batch = None
    if row["batch"]:
        batch = catalogue.batches.get(row["batch"])
        if batch is not None and batch.model_id != model_id:
            raise RowInvalid("batch", _("batch %(code)s is another model's.") % {"code": row["batch"]})
        if batch is None:
            if len(row["batch"]) > 40:
                raise RowInvalid("batch", _("a batch code has at most 40 characters."))
            batch = Batch(code=row["batch"], model_id=model_id)  # created on write
            catalogue.batches[batch.code] = batch
    else:
        batch = catalogue.ranges.find(imei)
    country = _country(row["country"])
    if row["source"] not in RETURN_SOURCES:
        raise RowInvalid("source", _("%(value)r is not a source: use repair_partner, distributor "
                                     "or hotline.") % {"value": row["source"]})
    if len(row["reference"]) > 80:
        raise RowInvalid("reference", _("a reference has at most 80 characters."))
    key = (f"return:{row['source']}:{row['reference']}" if row["reference"]
           else f"return:{imei}:{day.isoformat()}:{fault}")
    if key in context["seen"]:
        raise RowInvalid("reference", _("the same return is already on line %(line)d.")
                         % {"line": context["seen"][key]})
    context["seen"][key] = line
    return Evidence(key=key, source=RETURN_SOURCES[row["source"]], occurred_on=day,
                    fault_code=fault, verdict=Verdict.REPORTED if row["source"] != "repair_partner"
                    else Verdict.CONFIRMED, imei=imei, model_id=model_id, batch=batch,
                    country=country, reference=row["reference"])


def _write_returns(good, result: ImportResult, progress) -> None:
    keys = [evidence.key for _line, evidence in good]
    existing = set()
    for start in range(0, len(keys), 5000):
        existing |= set(DefectRecord.objects.filter(key__in=keys[start:start + 5000])
                        .values_list("key", flat=True))
    fresh = [evidence for _line, evidence in good if evidence.key not in existing]
    result.unchanged = len(good) - len(fresh)
    for evidence in fresh:
        if evidence.batch is not None and evidence.batch.pk is None:
            evidence.batch.save()
    catalogue = dict(FaultCode.objects.values_list("code", "category"))
    records = []
    for evidence in tqdm(fresh, unit="rows", file=progress, desc=_("importing"),
                         disable=progress is None or len(fresh) < PROGRESS_FROM):
        record = DefectRecord(key=evidence.key, reported_fault_code=evidence.fault_code,
                              category=catalogue[evidence.fault_code])
        _fill_new(record, evidence)
        records.append(record)
    if connection.vendor == "postgresql":
        _copy_records(records)
    else:
        DefectRecord.objects.bulk_create(records, batch_size=2000)
    result.added = len(records)
    rollup_rebuild({record.week for record in records})


def _copy_records(records: list[DefectRecord]) -> None:
    """Write new records with PostgreSQL's COPY (psycopg's copy API): the bulk path of a large
    file, without an INSERT statement built and parsed per 2,000 rows."""
    now = timezone.now()
    fields = [f for f in DefectRecord._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {DefectRecord._meta.db_table} ({columns}) FROM STDIN") as copy:
        for record in records:
            record.created_at = record.updated_at = now
            copy.write_row([getattr(record, f.attname) for f in fields])


# --- installed base ----------------------------------------------------------------------------
def import_installed_base(source, *, skip_invalid=False, progress=None,
                          rejects_path=None) -> ImportResult:
    """Import units shipped per month (month,model,units,country); a month re-imported
    replaces its figure."""
    return _run(source, columns=BASE_COLUMNS, check=_check_base, write=_write_base,
                skip_invalid=skip_invalid, progress=progress, rejects_path=rejects_path)


def _check_base(row, catalogue: Catalogue, context, line) -> dict:
    month = _month(row["month"], "month")
    if month > month_start(timezone.localdate()):
        raise RowInvalid("month", _("the month is in the future."))
    model = catalogue.model(row["model"])
    try:
        units = int(row["units"])
    except ValueError:
        raise RowInvalid("units", _("%(value)r is not a whole number.") % {"value": row["units"]}) from None
    if units < 0:
        raise RowInvalid("units", _("units cannot be negative."))
    country = _country(row["country"])
    key = (month, model.pk, country)
    if key in context["seen"]:
        raise RowInvalid("month", _("this month, model and country are already on line %(line)d.")
                         % {"line": context["seen"][key]})
    context["seen"][key] = line
    return {"month": month, "model": model, "units": units, "country": country}


def _write_base(good, result: ImportResult, progress) -> None:
    stored = {(row.month, row.model_id, row.country): row for row in InstalledBase.objects.filter(
        month__in={data["month"] for _line, data in good})}
    for _line, data in tqdm(good, unit="rows", file=progress, desc=_("importing"),
                            disable=progress is None or len(good) < PROGRESS_FROM):
        row = stored.get((data["month"], data["model"].pk, data["country"]))
        if row is None:
            InstalledBase.objects.create(**data)
            result.added += 1
        elif row.units == data["units"]:
            result.unchanged += 1
        else:
            row.units = data["units"]
            row.save(update_fields=["units"])
            result.updated += 1

