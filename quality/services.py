"""Use cases of the quality app: apply defect evidence to a record, keep the weekly roll-up
true, and act on alerts."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from diagnostics.models import FaultCode
from hotline.errors import DomainError
from hotline.models import Case
from hotline.workflow import record_event, transition
from quality.models import (
    EVIDENCE_RANK,
    FAILURE_VERDICTS,
    Alert,
    AlertNote,
    Batch,
    DefectRecord,
    Verdict,
    monday,
    month_start,
)
from quality.regions import region_for

log = logging.getLogger(__name__)


class QualityError(DomainError):
    """A quality use case refused."""


@dataclass
class Evidence:
    """What one source says about one failed handset (plain data)."""

    key: str
    source: str
    occurred_on: datetime.date
    fault_code: str | None = None
    verdict: str = Verdict.REPORTED
    case: Case | None = None
    imei: str = ""
    model_id: int | None = None
    variant_id: int | None = None
    batch: Batch | None = None
    purchase_month: datetime.date | None = None
    country: str = ""
    region: str = ""
    distributor_id: int | None = None
    script: str = ""
    script_version: int | None = None
    end_node: str = ""
    component: str = ""
    root_cause: str = ""
    reference: str = ""


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Return the month of service `end` falls in when service started in `start`'s month (1-based)."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month + 1)


def batch_for_imei(imei: str) -> Batch | None:
    if not imei:
        return None
    return (Batch.objects.filter(imei_from__lte=imei, imei_to__gte=imei)
            .exclude(imei_from="").order_by("-imei_from").first())


def evidence_for_case(case: Case, **fields) -> Evidence | None:
    """Fill the handset, place and distributor of a case's evidence; None without a model."""
    handset = case.handset
    if handset is None or handset.model_id is None:
        return None
    address = case.customer.addresses.order_by("-is_default", "id").first()
    country = address.country if address else case.customer.country
    purchase = month_start(handset.purchase_date) if handset.purchase_date else None
    return Evidence(
        key=f"case:{case.pk}", case=case, imei=handset.imei, model_id=handset.model_id,
        variant_id=handset.variant_id, purchase_month=purchase, country=country or "",
        region=region_for(country, address.postcode if address else ""),
        distributor_id=case.distributor_id or handset.sold_by_id, **fields)


NO_FAULT_CODES = frozenset({"NFF-00"})  # "no fault found" as a diagnosis result
DAMAGE_CATEGORIES = frozenset({"liquid_damage", "physical_damage"})


def _normalise(evidence: Evidence) -> None:
    """A no-fault result is a verdict, not a fault; damage codes are damage verdicts."""
    if evidence.fault_code in NO_FAULT_CODES:
        evidence.fault_code = None
        evidence.verdict = Verdict.NFF
    elif evidence.fault_code and evidence.verdict in FAILURE_VERDICTS:
        category = FaultCode.objects.filter(pk=evidence.fault_code).values_list(
            "category", flat=True).first()
        if category in DAMAGE_CATEGORIES:
            evidence.verdict = Verdict.CUSTOMER_DAMAGE


def defect_record_apply(evidence: Evidence) -> DefectRecord | None:
    """Create or update the record `evidence` is about: stronger (or equal, later) evidence
    replaces the fault code and verdict; weaker evidence only fills what is missing."""
    _normalise(evidence)
    with transaction.atomic():
        record = DefectRecord.objects.select_for_update().filter(key=evidence.key).first()
        touched = set()
        if record is None:
            if not evidence.fault_code or evidence.model_id is None:
                return None  # nothing to count: no fault named yet, or no model
            record = DefectRecord(key=evidence.key, case=evidence.case,
                                  reported_fault_code=evidence.fault_code)
            _fill_new(record, evidence)
        else:
            touched.add((record.week, record.model_id, record.fault_code_id))
            if EVIDENCE_RANK.get(evidence.source, 0) >= record.evidence_rank:
                record.source = evidence.source
                record.verdict = evidence.verdict
                if evidence.fault_code:
                    record.fault_code_id = evidence.fault_code
            for name in ("script", "script_version", "end_node", "component", "root_cause"):
                value = getattr(evidence, name)
                if value and (not getattr(record, name) or evidence.source == record.source):
                    setattr(record, name, value)
        record.category = FaultCode.objects.values_list("category", flat=True).get(
            pk=record.fault_code_id)
        record.save()
        touched.add((record.week, record.model_id, record.fault_code_id))
        rollup_refresh(touched)
    log.info("defect_record_applied", extra={"key": record.key, "source": record.source,
                                             "verdict": record.verdict})
    return record


def _fill_new(record: DefectRecord, evidence: Evidence) -> None:
    record.occurred_on = evidence.occurred_on
    record.week = monday(evidence.occurred_on)
    for name in ("imei", "model_id", "variant_id", "purchase_month", "country", "region",
                 "distributor_id", "source", "verdict", "script", "script_version", "end_node",
                 "component", "root_cause", "reference"):
        setattr(record, name, getattr(evidence, name))
    record.fault_code_id = evidence.fault_code
    record.country = (record.country or "").upper()
    record.batch = evidence.batch or batch_for_imei(evidence.imei)
    if record.batch is not None and record.batch.manufactured_on:
        record.production_month = month_start(record.batch.manufactured_on)
    start = record.purchase_month or record.production_month
    if start is not None and start <= record.occurred_on:
        record.months_in_service = months_between(start, record.occurred_on)


# The weekly roll-ups, each recounted from the records by one INSERT ... SELECT ... GROUP BY:
# DefectWeek (model x fault x batch: the scan, trends, rates, Pareto, batches), and for the
# pages it cannot answer, DefectCountryWeek (a country filter), DefectServiceWeek (the hazard
# view) and DefectNffWeek (NFF rates).
ROLLUPS = {
    "quality_defectweek": """
        INSERT INTO quality_defectweek (week, model_id, fault_code_id, batch_id, failures, nff,
                                        damage)
        SELECT week, model_id, fault_code_id, batch_id,
               SUM(CASE WHEN verdict IN ('reported', 'confirmed') THEN 1 ELSE 0 END),
               SUM(CASE WHEN verdict = 'nff' THEN 1 ELSE 0 END),
               SUM(CASE WHEN verdict = 'customer_damage' THEN 1 ELSE 0 END)
        FROM quality_defectrecord WHERE {where}
        GROUP BY week, model_id, fault_code_id, batch_id
    """,
    "quality_defectcountryweek": """
        INSERT INTO quality_defectcountryweek (week, model_id, fault_code_id, country, failures,
                                               nff, damage)
        SELECT week, model_id, fault_code_id, country,
               SUM(CASE WHEN verdict IN ('reported', 'confirmed') THEN 1 ELSE 0 END),
               SUM(CASE WHEN verdict = 'nff' THEN 1 ELSE 0 END),
               SUM(CASE WHEN verdict = 'customer_damage' THEN 1 ELSE 0 END)
        FROM quality_defectrecord WHERE {where}
        GROUP BY week, model_id, fault_code_id, country
    """,
    "quality_defectserviceweek": """
        INSERT INTO quality_defectserviceweek (week, model_id, fault_code_id, months_in_service,
                                               failures)
        SELECT week, model_id, fault_code_id, months_in_service, COUNT(*)
        FROM quality_defectrecord
        WHERE ({where}) AND verdict IN ('reported', 'confirmed') AND months_in_service IS NOT NULL
        GROUP BY week, model_id, fault_code_id, months_in_service
    """,
    "quality_defectnffweek": """
        INSERT INTO quality_defectnffweek (week, model_id, fault_code_id, reported_fault_code,
                                           script, end_node, examined, nff)
        SELECT week, model_id, fault_code_id, reported_fault_code, script, end_node, COUNT(*),
               SUM(CASE WHEN verdict = 'nff' THEN 1 ELSE 0 END)
        FROM quality_defectrecord
        WHERE ({where}) AND verdict IN ('confirmed', 'nff', 'customer_damage')
        GROUP BY week, model_id, fault_code_id, reported_fault_code, script, end_node
    """,
}


def rollup_refresh(cells: Iterable[tuple[datetime.date, int, str]]) -> int:
    """Recount the weekly roll-ups for these (week, model id, fault code) cells from the
    records, in the database (one DELETE and one INSERT ... SELECT ... GROUP BY per cell and
    roll-up): a hook's write reads the records of one model x fault code x week only (the
    index on model, fault code and week), not the model's whole week."""
    cells = sorted(set(cells))
    where = "week = %s AND model_id = %s AND fault_code_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for cell in cells:
            for table, insert in ROLLUPS.items():
                cursor.execute(f"DELETE FROM {table} WHERE {where}", list(cell))
                cursor.execute(insert.format(where=where), list(cell))
    return len(cells)


def rollup_rebuild(weeks: Iterable[datetime.date] | None = None) -> int:
    """Recount whole weeks (every model), or the whole roll-ups when `weeks` is None,
    set-based: one DELETE and one INSERT ... SELECT ... GROUP BY per roll-up, whatever the
    number of weeks (after a bulk import). Return the DefectWeek cells written."""
    if weeks is None:
        where, params = "TRUE" if connection.vendor == "postgresql" else "1 = 1", []
    else:
        params = sorted(set(weeks))
        if not params:
            return 0
        where = f"week IN ({', '.join(['%s'] * len(params))})"
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table, insert in ROLLUPS.items():
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
            cursor.execute(insert.format(where=where), params)
            if table == "quality_defectweek":
                written = cursor.rowcount
    return written


# --- alerts ----------------------------------------------------------------------------------
def alert_act(*, alert: Alert, action: str, actor, note: str = "") -> Alert:
    """Acknowledge, resolve or reopen an alert (with an optional note)."""
    if action not in ("acknowledge", "resolve", "reopen"):
        raise QualityError(_("Unknown action."), field="action")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if action == "acknowledge" and alert.owner_id is None and actor is not None:
            alert.owner = actor
        transition(alert, action, actor=actor, reason=note, check_permission=False)
        if note.strip():
            AlertNote.objects.create(alert=alert, author=actor, text=note.strip())
    return alert


def alert_note_add(*, alert: Alert, actor, text: str) -> AlertNote:
    if not text.strip():
        raise QualityError(_("Write the note first."), field="text")
    with transaction.atomic():
        note = AlertNote.objects.create(alert=alert, author=actor, text=text.strip())
        record_event(alert, action="alert_note", actor=actor, reason=text.strip()[:200])
    return note


def alert_assign(*, alert: Alert, actor, owner) -> Alert:
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(owner=owner)
        alert.owner = owner
        record_event(alert, action="alert_assigned", actor=actor,
                     data={"owner": owner.get_username() if owner else None})
    return alert
