"""The read-only QA API: every QA table as JSON (the same rows as the pages and exports)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from hotline.api.permissions import HasCapability
from hotline.errors import NotFound
from quality import selectors
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


class RecordsPage(serializers.Serializer):
    """The records API's page: `page` from 1, `page_size` from 1 to 1,000 (default 500)."""

    page = serializers.IntegerField(min_value=1, max_value=10**9, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=RECORDS_PAGE_MAX, default=500)


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
        paging = RecordsPage(data=request.query_params)
        if not paging.is_valid():
            return Response({"errors": paging.errors}, status=400)
        page, size = paging.validated_data["page"], paging.validated_data["page_size"]
        records = records_queryset(f)
        count = selectors.record_count(f)  # from the roll-up: no COUNT over every record
        rows = [record_row(r) for r in records[(page - 1) * size:page * size]]
        following = None
        if page * size < count:
            following = replace_query_param(request.build_absolute_uri(), "page", page + 1)
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
