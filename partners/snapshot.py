"""The public view of a case kept ready on `PublicCase.view` (issue 18), and how the status
API reads it: one statement for a case or a page of cases, labels translated at read time.

What is kept: the serialized view (CasePublicSerializer's output of `case_public_view`) with
its *stamp*, the marks of what it was read from: the case's state, its last audit event, its
last service order of each kind and last quote, its parcels' last tracking event and last
change, and the time zone its times were written in. The API answers exactly what the live
view would answer now:

- the statement that finds the case (with the reader's authorisation) reads the stored view
  with the case's own columns and neighbours (number, customer's name, handset, distributor,
  reference, last public change: these are taken live from that row, never from the store)
  and computes the stamp of now;
- a stored view whose stamp is not the one of now is not used: the live view is answered
  (`case_public_view`) and stored for the next reads. Whatever partners can see changes with
  an audit event (every transition, quote and note), a new service order, or a parcel's
  tracking event or change, in the same transaction, so a read right after a commit never
  gets the older view, even before the refresh (after commit, through the outbox) ran;
- labels (status, description, symptom, parcel and tracking events, quote, timeline) are
  translated at read time from the stored codes, in the reader's language; the courier's
  name and the tracking link come from today's settings.

The stamp is always read before the data the view is built from, in a statement of its own
(`view_store`), so a stored view is never older than its stamp: two writers racing can at
worst store a view whose stamp is already stale, which the next read recomputes.
"""

from __future__ import annotations

import weakref
from functools import cache

try:
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
except ImportError:  # the embedded mode needs no PostgreSQL driver
    psycopg = None

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.encoding import force_str
from rest_framework import serializers

from carriers.models import Shipment, TrackingEvent
from exchanges.models import Quote, Swap
from hotline.models import AuditEvent, Case
from partners.api.serializers import CasePublicSerializer
from partners.models import PublicCase
from partners.selectors import case_public_view, cases_visible, courier_and_link, current_swap
from partners.status import DESCRIPTIONS, ORDER_MACHINES, PublicStatus

VERSION = 1
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def _last(queryset: QuerySet, column: str = "id") -> Subquery:
    """The greatest `column` among `queryset`'s rows (all of one case), as a subquery."""
    return Subquery(queryset.order_by().values("case_id").annotate(last=Max(column))
                    .values("last")[:1])


@cache
def _stamp_columns() -> tuple[tuple[str, object], ...]:
    columns = [("stamp_audit", lambda: _last(AuditEvent.objects.filter(case_id=OuterRef("pk"))))]
    for model in [apps.get_model(m.model) for m in ORDER_MACHINES] + [Quote]:
        columns.append((f"stamp_{model._meta.model_name}",
                        lambda model=model: _last(model.objects.filter(case_id=OuterRef("pk")))))
    parcels = Swap.objects.filter(case_id=OuterRef("pk"), outbound__isnull=False)
    columns += [("stamp_tracking", lambda: _last(parcels, "outbound__events__id")),
                ("stamp_parcel", lambda: _last(parcels, "outbound__updated_at"))]
    return tuple(columns)


def stamped(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with what a stored view is answered from: its row and neighbours, and the
    stamp of now (one statement)."""
    return (cases.select_related("customer", "handset__model", "distributor", "public")
            .annotate(**{name: make() for name, make in _stamp_columns()}))


def cases_answered(*, distributor=None) -> QuerySet[Case]:
    """The cases `distributor` may see (every case for hotline staff: None), each with its
    stored view, its row and neighbours and the stamp of now (`stamped`)."""
    cases = Case.objects.all()
    if distributor is not None:
        cases = cases.visible_to_distributor(distributor)
    return stamped(cases)


def case_answered(*, distributor=None, number: str | None = None,
                  reference: str | None = None) -> Case | None:
    """The case `distributor` may see (every case for hotline staff: None) by its number, or
    by the distributor's own reference, read as `cases_answered` reads it; None if none."""
    if reference is not None:
        found = _BY_REFERENCE.run(distributor=distributor, reference=reference)
    elif distributor is None:
        found = _BY_NUMBER_STAFF.run(number=number)
    else:
        found = _BY_NUMBER.run(distributor=distributor, number=number)
    return found[0] if found else None


class _Compiled:
    """A query whose SQL is compiled once per database connection, then run with other
    values: the status API's one statement took longer to build and compile through the ORM
    than to run (about 3x). The rows become model instances as the ORM makes them (its
    converters, its select_related populators, its annotations)."""

    def __init__(self, make, **placeholders):
        self.make, self.placeholders = make, placeholders
        self._compiled = weakref.WeakKeyDictionary()

    def run(self, **values) -> list:
        connection = connections[DEFAULT_DB_ALIAS]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        sql, params, slots, convert, build = compiled
        params = list(params)
        for name, positions in slots.items():
            value = values[name]
            value = getattr(value, "pk", value)
            for position in positions:
                params[position] = value
        with _prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [build(row) for row in convert(rows)] if rows else []

    def _compile(self, connection):
        queryset = self.make(**self.placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = {name: [i for i, param in enumerate(params)
                        if param == getattr(value, "pk", value)]
                 for name, value in self.placeholders.items()}
        if any(not positions for positions in slots.values()):
            raise ValueError(f"a placeholder is not in the query: {slots}")
        select, klass_info = compiler.select, compiler.klass_info
        annotations = compiler.annotation_col_map
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, queryset.db)
        model = klass_info["model"]

        def build(row):
            obj = model.from_db(queryset.db, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            return obj

        fields = [column[0] for column in select[:compiler.col_count]]
        converters = compiler.get_converters(fields)
        if compiler.has_composite_fields(fields):
            raise ValueError("composite primary keys are not supported here")

        def convert(rows):
            return compiler.apply_converters(rows, converters) if converters else rows

        return sql, params, slots, convert, build


def _prepared_cursor(connection):
    """A cursor whose statements PostgreSQL prepares once per connection (server-side
    binding): planning the status API's statement (five joins, the stamp's subqueries) took
    several times as long as running it, and a prepared one is planned for good after its
    first five runs. Other databases: the usual cursor. Wrapped as Django wraps its own (so
    it is logged and counted like any other)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
        tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:  # as Django's own cursors
            register_tzloader(connection.timezone, raw)
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return _LoggedCursor(raw, connection)
        return connection.make_cursor(raw)


class _PreparingCursor(psycopg.Cursor if psycopg is not None else object):
    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True, **kwargs)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its values: Django reads them back
    from the cursor only for its own client-binding ones."""

    def execute(self, sql, params=None):
        try:
            logged = self.db.ops.compose_sql(sql, params)
        except Exception:  # noqa: BLE001 (only what is logged)
            logged = sql
        with self.debug_sql(logged, params):
            return CursorWrapper.execute(self, sql, params)


# Values no request sends, for the compiled queries' parameters.
_SOME_DISTRIBUTOR = -918_273_645  # a primary key
_SOME_NUMBER = "\x00number\x00"
_SOME_REFERENCE = "\x00reference\x00"
_BY_NUMBER = _Compiled(
    lambda distributor, number: cases_answered(distributor=distributor).filter(number=number)[:2],
    distributor=_SOME_DISTRIBUTOR, number=_SOME_NUMBER)
_BY_NUMBER_STAFF = _Compiled(
    lambda number: cases_answered().filter(number=number)[:2], number=_SOME_NUMBER)
_BY_REFERENCE = _Compiled(
    lambda distributor, reference: cases_answered(distributor=distributor).filter(
        public__distributor=distributor, public__external_reference=reference)[:2],
    distributor=_SOME_DISTRIBUTOR, reference=_SOME_REFERENCE)


def stamp_of(case: Case) -> str:
    """The stamp of a case read through `stamped`, in the active time zone."""
    marks = [str(getattr(case, name)) for name, _make in _stamp_columns()]
    return "|".join([str(VERSION), timezone.get_current_timezone_name(), case.status, *marks])


def public_of(case: Case) -> PublicCase | None:
    try:
        return case.public
    except PublicCase.DoesNotExist:
        return None


def view_read(case: Case, *, staff: bool) -> dict | None:
    """The case's public view from its stored one, as CasePublicSerializer renders the live
    one, in the active language; None when none is stored or it is not the case's now."""
    public = public_of(case)
    stored = public.view if public is not None else None
    if not stored or stored.get("stamp") != stamp_of(case):
        return None
    view = dict(stored["view"])  # the serializer's keys, in its order
    status = PublicStatus(view["status"])
    handset = case.handset
    view.update(
        number=case.number,
        external_reference=public.external_reference,
        status_label=str(status.label),
        status_description=str(DESCRIPTIONS[status]),
        internal_status=case.status if staff else None,
        channel=case.channel,
        symptom=case.symptom,
        symptom_label=_display(Case, case.symptom, "symptom"),
        customer=case.customer.full_name,
        handset=None if handset is None else {
            "imei": handset.imei,
            "model": str(handset.model) if handset.model_id else None,
            "purchase_date": _DATE.to_representation(handset.purchase_date),
            "warranty_end": _DATE.to_representation(handset.warranty_end),
        },
        distributor=case.distributor.code if case.distributor_id else None,
        created_at=_DATETIME.to_representation(case.created_at),
        updated_at=_DATETIME.to_representation(public.changed_at),
        timeline=[{**entry, "label": str(PublicStatus(entry["status"]).label),
                   "description": str(DESCRIPTIONS[PublicStatus(entry["status"])])}
                  for entry in view["timeline"]],
    )
    if view["shipment"] is not None:
        view["shipment"] = _shipment_labelled(view["shipment"], stored["carrier"])
    if view["quote"] is not None:
        view["quote"] = {**view["quote"],
                         "status_label": _display(Quote, view["quote"]["status"])}
    return view


def envelope(view: dict, *, stamp: str, carrier: str | None) -> dict:
    """What PublicCase.view keeps: a serialized public view, its stamp, its parcel's courier."""
    return {"stamp": stamp, "carrier": carrier, "view": {**view, "internal_status": None}}


def _shipment_labelled(shipment: dict, carrier: str) -> dict:
    courier, link = courier_and_link(carrier, shipment["tracking_number"] or "")
    return {**shipment, "courier": courier, "tracking_url": link,
            "status_label": _display(Shipment, shipment["status"]),
            "events": [{**event, "label": _display(TrackingEvent, event["status"])}
                       for event in shipment["events"]]}


@cache
def _choices(model, field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _display(model, value: str, field: str = "status") -> str:
    """As `get_<field>_display()` says it, in the active language (its choices read once)."""
    return force_str(_choices(model, field).get(value, value), strings_only=True)


def case_views(cases, *, staff: bool) -> list[dict]:
    """The public views of cases read through `stamped` (a page of them, or one), in order:
    from the stored views where they are the cases' now, else read live (a fixed number of
    statements for all of those together) and stored for the next reads."""
    views = {}
    stale = []
    for case in cases:
        view = view_read(case, staff=staff)
        if view is None:
            stale.append(case)
        else:
            views[case.pk] = view
    if stale:
        live = {c.pk: c for c in cases_visible().filter(pk__in=[c.pk for c in stale])}
        kept = []
        for case in stale:
            if case.pk not in live:  # deleted since the first statement
                continue
            view = CasePublicSerializer(case_public_view(live[case.pk], staff=staff)).data
            views[case.pk] = view
            public = public_of(case)
            if public is not None:  # a case with no public view yet gets one at its refresh
                public.view = _envelope_of(live[case.pk], view, stamp=stamp_of(case))
                kept.append(public)
        PublicCase.objects.bulk_update(kept, ["view"])
    return [views[case.pk] for case in cases if case.pk in views]


def view_store(*, case_id: int) -> None:
    """Store the case's public view of now with its stamp (the stamp read first)."""
    case = stamped(Case.objects.filter(pk=case_id)).first()
    if case is None or public_of(case) is None:
        return
    stamp = stamp_of(case)
    live = cases_visible().filter(pk=case_id).first()
    if live is None:
        return
    view = CasePublicSerializer(case_public_view(live, staff=False)).data
    PublicCase.objects.filter(case_id=case_id).update(
        view=_envelope_of(live, view, stamp=stamp))


def _envelope_of(case: Case, view: dict, *, stamp: str) -> dict:
    swap = current_swap(case)
    return envelope(view, stamp=stamp,
                    carrier=swap.outbound.carrier if swap is not None and swap.outbound_id
                    else None)
