"""API of technician visits: the free slots of a case's visit, booking one, the measures."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from exchanges.capabilities import DISPATCH_VISITS
from exchanges.models import OPEN_VISIT_STATES, Technician, Visit
from exchanges.visits import selectors, services
from exchanges.visits.slots import visit_slots
from exchanges.web import CaseApiView
from hotline.api.fields import BoundedDateTimeField, PeriodInputSerializer
from hotline.api.permissions import HasCapability
from hotline.errors import NotFound


class SlotOutputSerializer(serializers.Serializer):
    technician_id = serializers.IntegerField()
    technician_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    within_promise = serializers.BooleanField()


def _open_visit(number):
    visit = (Visit.objects.filter(case__number=number, status__in=OPEN_VISIT_STATES)
             .select_related("case__handset__model", "fault_code").first())
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
    """Book the case's visit in a technician's free slot (409 when it was just taken)."""

    class VisitBookInputSerializer(serializers.Serializer):
        technician_id = serializers.IntegerField()
        start = BoundedDateTimeField()

    @extend_schema(request=VisitBookInputSerializer, responses={200: SlotOutputSerializer})
    def post(self, request, number):
        data = self.VisitBookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = _open_visit(number)
        technician = get_object_or_404(Technician, pk=data.validated_data["technician_id"])
        services.visit_schedule(visit=visit, technician=technician,
                                start=data.validated_data["start"], actor=request.user)
        return Response({"technician_id": technician.pk, "technician_name": technician.name,
                         "start": visit.slot_start, "end": visit.slot_end,
                         "within_promise": True})


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
