"""The repairs API: measures, repair orders, service points (read), for supervisors and
the repair centre."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.capabilities import has_capability
from repairs import selectors
from repairs.models import RepairOrder, ServicePoint


class IsRepairStaff(BasePermission):
    """Supervisors, the repair centre (QA) and operators."""

    def has_permission(self, request, view):
        return has_capability(request.user, "repairs.view_repairorder")


class MeasuresApi(APIView):
    """Turnaround (median, p90) per model and fault, first-time fix rate, parts consumption,
    units refilled into swap stock per week; computed in the database."""

    permission_classes = [IsRepairStaff]

    class InputSerializer(serializers.Serializer):
        days = serializers.IntegerField(required=False, default=90, min_value=1, max_value=730)

    @extend_schema(parameters=[InputSerializer], responses={200: dict})
    def get(self, request):
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return Response(selectors.measures(days=serializer.validated_data["days"]))


class RepairOrderOutputSerializer(serializers.ModelSerializer):
    model = serializers.StringRelatedField()
    fault_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    found_fault_code = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                                    allow_null=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = RepairOrder
        fields = ["number", "kind", "case", "model", "imei", "fault_code", "status",
                  "status_label", "result", "found_fault_code", "component", "root_cause",
                  "promised_by", "received_at", "finished_at", "turnaround_seconds",
                  "first_time_fix", "created_at"]


class RepairOrderListApi(generics.ListAPIView):
    permission_classes = [IsRepairStaff]
    serializer_class = RepairOrderOutputSerializer
    filterset_fields = ["status", "kind", "imei"]

    def get_queryset(self):
        return RepairOrder.objects.select_related("model", "fault_code", "found_fault_code",
                                                  "case").order_by("-created_at", "-id")


class RepairOrderDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsRepairStaff]
    serializer_class = RepairOrderOutputSerializer
    lookup_field = "number"
    queryset = RepairOrder.objects.select_related("model", "fault_code", "found_fault_code",
                                                  "case")


class ServicePointOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServicePoint
        fields = ["code", "name", "street", "postcode", "city", "country", "phone",
                  "opening_hours", "holidays", "brands", "families", "postcodes",
                  "daily_capacity", "walk_in", "appointment", "active"]


class ServicePointListApi(generics.ListAPIView):
    permission_classes = [IsRepairStaff]
    serializer_class = ServicePointOutputSerializer
    queryset = ServicePoint.objects.order_by("code")
