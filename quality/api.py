"""The read-only QA API: every QA table as JSON (the same rows as the pages and exports)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api.permissions import HasCapability
from hotline.errors import NotFound
from quality.capabilities import VIEW_QUALITY
from quality.forms import FilterForm
from quality.models import Alert
from quality.tables import RECORDS_PAGE_MAX, TABLES, record_row, records_queryset
from quality.views import filters_from
from quality.warning import alert_json

FILTERS = [OpenApiParameter(name, str, description=text) for name, text in (
    ("start", "YYYY-MM-DD (default: 26 weeks before end)"), ("end", "YYYY-MM-DD (default: today)"),
    ("model", "handset model id"), ("fault", "fault code"), ("country", "ISO 3166 alpha-2"),
    ("by", "grouping of rates (model, fault_code, batch, production_month, months_in_service) "
           "or of NFF (fault_code, script, end_node)"), ("status", "alerts: open, acknowledged, resolved"),
    ("page", "records: page number, from 1"),
    ("page_size", "records: rows per page, 1 to 1,000 (default 500)"))]


class TableApi(APIView):
    """One QA table: rows of figures, no customer data."""

    permission_classes = [HasCapability]
    capability = VIEW_QUALITY

    @extend_schema(parameters=FILTERS, responses={200: dict}, operation_id="quality_table")
    def get(self, request, name):
        spec = TABLES.get(name)
        if spec is None:
            raise NotFound(f"No QA table named {name!r}; tables: {', '.join(TABLES)}.")
        form = FilterForm(request.query_params or {})
        if not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=400)
        f = filters_from(form)
        params = {"by": request.query_params.get("by", ""),
                  "status": request.query_params.get("status", "")}
        if name == "records":
            return self._records(request, f)
        rows = spec.rows(f, params)
        return Response({"table": name, "start": f.start, "end": f.end, "count": len(rows),
                         "results": rows})

    def _records(self, request, f):
        """Defect records, a page at a time (`page`, `page_size` up to 1,000): never cut."""
        errors = {}
        numbers = {}
        for field, default, high in (("page", 1, None), ("page_size", 500, RECORDS_PAGE_MAX)):
            raw = request.query_params.get(field, str(default))
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value < 1 or (high and value > high) or value > 10**9:
                errors[field] = [f"a whole number from 1 to {high or 10**9}"]
            numbers[field] = value
        if errors:
            return Response({"errors": errors}, status=400)
        records = records_queryset(f)
        count = records.count()
        page, size = numbers["page"], numbers["page_size"]
        rows = [record_row(r) for r in records[(page - 1) * size:page * size]]
        following = None
        if page * size < count:
            query = request.query_params.copy()
            query["page"] = str(page + 1)
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"table": "records", "start": f.start, "end": f.end, "count": count,
                         "page": page, "page_size": size, "next": following, "results": rows})


class AlertApi(APIView):
    permission_classes = [HasCapability]
    capability = VIEW_QUALITY

    @extend_schema(responses={200: dict}, operation_id="quality_alert")
    def get(self, request, pk):
        alert = get_object_or_404(Alert.objects.select_related("model", "batch", "owner"), pk=pk)
        return Response({"id": alert.pk, **alert_json(alert), "last_week": alert.last_week,
                         "owner": alert.owner.get_username() if alert.owner else None,
                         "evidence": alert.evidence,
                         "notes": [{"at": n.created_at, "text": n.text} for n in alert.notes.all()]})
