"""API of technician visits: the free slots of a case's visit, booking one, the measures."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from exchanges.capabilities import DISPATCH_VISITS
from exchanges.models import Visit
from exchanges.visits import selectors
from exchanges.visits.actions import VISIT_ACTIONS, VisitBookSerializer
from exchanges.visits.slots import visit_slots
from exchanges.visits.views import may_work_on
from exchanges.web import CaseApiView
from hotline.actions import api_run
from hotline.api.fields import PeriodInputSerializer
from hotline.api.permissions import HasCapability
from hotline.errors import NotFound, PermissionRefused


class SlotOutputSerializer(serializers.Serializer):
    technician_id = serializers.IntegerField()
    technician_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    within_promise = serializers.BooleanField()


class VisitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    status = serializers.CharField()
    technician = serializers.CharField(source="technician.name", default=None)
    slot_start = serializers.DateTimeField()
    slot_end = serializers.DateTimeField()
    en_route_at = serializers.DateTimeField()
    on_site_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField()

    def get_actions(self, visit) -> list[str]:
        request = self.context.get("request")
        return sorted(VISIT_ACTIONS.available_names(visit, request.user if request else None))


def _open_visit(number):
    visit = selectors.visit_open(number=number)
    if visit is None:
        raise NotFound("This case has no open visit.")
    return visit


class VisitSlotsApi(CaseApiView):
    """The earliest free technician slots for the case's visit (within 24 h, else the next)."""

    @extend_schema(responses={200: SlotOutputSerializer(many=True)})
    def get(self, request, number):
        visit = _open_visit(number)
        handset = visit.case.handset
        slots = visit_slots(postcode=visit.postcode, country=visit.country,
                            family=handset.model.family if handset and handset.model else "",
                            category=visit.fault_code.category, exclude_visit=visit.pk)
        return Response(SlotOutputSerializer(slots, many=True).data)


class VisitBookApi(CaseApiView):
    """Book the case's visit in a technician's free slot (409 when it was just taken): the
    action `book` of the visit action table."""

    @extend_schema(request=VisitBookSerializer, responses={200: SlotOutputSerializer})
    def post(self, request, number):
        visit = _open_visit(number)
        api_run(request, VISIT_ACTIONS, "book", visit)
        return Response({"technician_id": visit.technician.pk,
                         "technician_name": visit.technician.name,
                         "start": visit.slot_start, "end": visit.slot_end,
                         "within_promise": True})


class VisitActionApi(APIView):
    """Run one action of the visit action table (exchanges.visits.actions): book,
    start_route, arrive, complete, escalate, no_access, switch_to_swap. A technician works on
    their own visits only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: VisitOutputSerializer})
    def post(self, request, pk, action):
        visit = get_object_or_404(Visit.objects.select_related("case", "technician"), pk=pk)
        if not may_work_on(request.user, visit):
            raise PermissionRefused("This visit is not yours.", code="not_your_visit")
        api_run(request, VISIT_ACTIONS, action, visit)
        visit.refresh_from_db()
        return Response(VisitOutputSerializer(visit, context={"request": request}).data)


class VisitMeasuresOutputSerializer(serializers.Serializer):
    visits_started = serializers.IntegerField()
    started_within_promise = serializers.FloatField(allow_null=True)
    arrived_within_slot = serializers.FloatField(allow_null=True)
    avg_minutes_on_site = serializers.FloatField(allow_null=True)
    first_visit_fix_rate = serializers.FloatField(allow_null=True)
    escalations_to_swap = serializers.IntegerField()


class VisitMeasuresApi(APIView):
    """Visit measures over visits decided in [since, until) (supervisors)."""

    permission_classes = [HasCapability]
    capability = DISPATCH_VISITS

    InputSerializer = PeriodInputSerializer

    @extend_schema(parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME),
                               OpenApiParameter("until", OpenApiTypes.DATETIME)],
                   responses={200: VisitMeasuresOutputSerializer})
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.visit_measures(since=params.validated_data.get("since"),
                                                 until=params.validated_data.get("until")))
