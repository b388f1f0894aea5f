"""API of home swaps: a case's swaps (with the IMEI ledger), the promise preview, the
exceptions queue, the measures, and the exception actions. Thin views; the services decide."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from exchanges.capabilities import CHANGE_SWAPS, INSPECT_SWAPS, VIEW_SWAPS
from exchanges.errors import SwapError
from exchanges.models import Swap, Warehouse
from exchanges.swaps import selectors
from exchanges.swaps import services as swap_services
from exchanges.swaps.actions import SWAP_ACTIONS
from hotline.actions import api_run
from hotline.api.fields import BoundedDateTimeField, CountryField, PeriodInputSerializer, postcode_checked
from hotline.api.pagination import PAGE_PARAMETERS, paginated
from hotline.api.permissions import HasCapability
from hotline.capabilities import WORK_CASES
from hotline.models import Case, Handset


class ShipmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField()


class LedgerLinkSerializer(serializers.Serializer):
    swap = serializers.IntegerField()
    case = serializers.CharField()
    original_imei = serializers.CharField()
    replacement_imei = serializers.CharField()
    warranty_end = serializers.DateField(allow_null=True)


def _ledger(handset) -> list[dict]:
    if handset is None:
        return []
    return [{"swap": swap.pk, "case": swap.case.number, "original_imei": original.imei,
             "replacement_imei": replacement.imei, "warranty_end": replacement.warranty_end}
            for swap, original, replacement in selectors.handset_chain(handset=handset)]


class SwapOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    status = serializers.CharField()
    model = serializers.CharField(source="model.__str__")
    variant = serializers.CharField(source="variant.__str__", default=None)
    warehouse = serializers.CharField(source="warehouse.code", default=None)
    unit_imei = serializers.CharField(source="unit.imei", default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    promised_by = serializers.DateTimeField(allow_null=True)
    promise_reasons = serializers.ListField(child=serializers.CharField())
    backorder_until = serializers.DateField(allow_null=True)
    address = serializers.CharField(source="address_line")
    booking_attempt = serializers.IntegerField()
    booking_error = serializers.CharField()
    outbound = ShipmentRefSerializer(allow_null=True)
    collection = ShipmentRefSerializer(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    hold_until = serializers.DateTimeField(allow_null=True)
    hold_location = serializers.CharField()
    unreturned_charge = serializers.DecimalField(max_digits=10, decimal_places=2,
                                                 allow_null=True)
    charged_at = serializers.DateTimeField(allow_null=True)
    fees_total = serializers.DecimalField(max_digits=10, decimal_places=2)
    original_imei = serializers.CharField(source="original_handset.imei", default=None)
    replacement_imei = serializers.CharField(source="replacement_handset.imei", default=None)
    ledger = serializers.SerializerMethodField()

    def get_ledger(self, swap) -> list[dict]:
        return LedgerLinkSerializer(_ledger(swap.replacement_handset or swap.original_handset),
                                    many=True).data


class CaseSwapsApi(APIView):
    """The case's swaps, newest first, with their promise, tracking and IMEI ledger."""

    permission_classes = [HasCapability]
    capability = VIEW_SWAPS

    @extend_schema(parameters=PAGE_PARAMETERS, responses={200: SwapOutputSerializer(many=True)})
    def get(self, request, number):
        case = get_object_or_404(Case, number=number)
        return paginated(self, request, selectors.swaps_of_case(case=case),
                         lambda page: SwapOutputSerializer(page, many=True).data)


class SwapDetailApi(APIView):
    permission_classes = [HasCapability]
    capability = VIEW_SWAPS

    @extend_schema(responses={200: SwapOutputSerializer})
    def get(self, request, pk):
        return Response(SwapOutputSerializer(get_object_or_404(selectors.swaps_detailed(),
                                                               pk=pk)).data)


class SwapExceptionsApi(APIView):
    """The exceptions queue: failed, held, returned, lost, not returned, backordered, refused,
    late; oldest promise first."""

    permission_classes = [HasCapability]
    capability = CHANGE_SWAPS

    @extend_schema(parameters=[*PAGE_PARAMETERS, OpenApiParameter("kind", OpenApiTypes.STR)],
                   responses={200: SwapOutputSerializer(many=True)})
    def get(self, request):
        found = selectors.swaps_exceptions(kind=request.query_params.get("kind", ""))
        return paginated(self, request, found,
                         lambda page: SwapOutputSerializer(page, many=True).data)


class SwapMeasuresOutputSerializer(serializers.Serializer):
    delivered = serializers.IntegerField()
    on_time_share = serializers.FloatField(allow_null=True)
    within_24h_share = serializers.FloatField(allow_null=True)
    due_today = serializers.IntegerField()
    late = serializers.IntegerField()
    exceptions = serializers.IntegerField()


class SwapMeasuresApi(APIView):
    """On-time share and share delivered within 24 h of the decision, swaps decided in
    [since, until)."""

    permission_classes = [HasCapability]
    capability = CHANGE_SWAPS

    @extend_schema(parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME),
                               OpenApiParameter("until", OpenApiTypes.DATETIME)],
                   responses={200: SwapMeasuresOutputSerializer})
    def get(self, request):
        params = PeriodInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.swap_measures(**params.validated_data))


class PromiseOutputSerializer(serializers.Serializer):
    booked_at = serializers.DateTimeField()
    ships_on = serializers.DateField()
    deliver_by = serializers.DateTimeField()
    hours_from_booking = serializers.FloatField()
    within_24h = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class SwapPromiseApi(APIView):
    """The promise an operator would see (GET ?warehouse=PAR&postcode=75002&country=FR&at=)."""

    permission_classes = [HasCapability]
    capability = WORK_CASES

    class InputSerializer(serializers.Serializer):
        warehouse = serializers.CharField()
        postcode = serializers.CharField(max_length=12)
        country = CountryField(default="FR")
        at = BoundedDateTimeField(required=False)

        def validate_warehouse(self, code):
            warehouse = Warehouse.objects.filter(code__iexact=code).first()
            if warehouse is None:
                raise serializers.ValidationError(_("No warehouse has this code."))
            return warehouse

        def validate(self, data):
            return postcode_checked(data)

    class OutputSerializer(PromiseOutputSerializer):
        warehouse = serializers.CharField()

    @extend_schema(parameters=[InputSerializer], responses={200: OutputSerializer})
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        warehouse = data.validated_data["warehouse"]
        promise = swap_services.swap_promise(
            warehouse=warehouse, postcode=data.validated_data["postcode"],
            country=data.validated_data["country"], at=data.validated_data.get("at"))
        return Response({"warehouse": warehouse.code, **promise.as_dict()})


class SwapActionApi(APIView):
    """Run one action of the swap action table (exchanges.swaps.actions): rebook (another
    day/address/pickup point), reserve (in a warehouse), variant (with consent), reship,
    refund, collect, receive, inspect, cancel. The input is the action's serializer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: SwapOutputSerializer})
    def post(self, request, pk, action):
        swap = get_object_or_404(Swap, pk=pk)
        api_run(request, SWAP_ACTIONS, action, swap)
        return Response(SwapOutputSerializer(get_object_or_404(selectors.swaps_detailed(),
                                                               pk=pk)).data)


class HandsetLedgerApi(APIView):
    """The IMEI ledger through a handset: original -> replacement, with warranty ends."""

    permission_classes = [HasCapability]
    capability = VIEW_SWAPS

    @extend_schema(responses={200: LedgerLinkSerializer(many=True)})
    def get(self, request, imei):
        handset = get_object_or_404(Handset, imei=imei)
        return Response(LedgerLinkSerializer(_ledger(handset), many=True).data)


class SwapOptionOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["like_for_like", "equivalent_variant", "backorder",
                                            "visit"])
    label = serializers.CharField()
    warehouse = serializers.CharField(allow_null=True)
    variant = serializers.CharField(allow_null=True)
    variant_id = serializers.IntegerField(allow_null=True)
    available = serializers.IntegerField()
    promise = PromiseOutputSerializer(allow_null=True)
    needs_consent = serializers.BooleanField()
    until = serializers.DateField(allow_null=True)


class InspectionCountOutputSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    fault_code = serializers.IntegerField(allow_null=True, help_text="The fault code's id.")
    count = serializers.IntegerField()
    imei_mismatches = serializers.IntegerField()


class SwapOptionsApi(APIView):
    """What can be offered before a swap is confirmed: like-for-like per warehouse with its
    promise, equivalent variants (consent needed), a backorder date, a technician visit."""

    permission_classes = [HasCapability]
    capability = VIEW_SWAPS

    @extend_schema(responses={200: SwapOptionOutputSerializer(many=True)})
    def get(self, request, number):
        case = get_object_or_404(Case.objects.select_related("customer", "handset"),
                                 number=number)
        handset, address = case.handset, case.customer.default_address
        if handset is None or handset.model_id is None or address is None:
            raise SwapError("The case needs a handset of known model and an address.",
                            code="no_swap_options")
        options = swap_services.swap_stock_options(
            model=handset.model, variant=handset.variant, postcode=address.postcode,
            country=address.country)
        return Response([option.as_dict() for option in options])


class InspectionSummaryApi(APIView):
    """Returned-unit inspections by outcome and fault code since `since` (quality)."""

    permission_classes = [HasCapability]
    capability = INSPECT_SWAPS

    @extend_schema(parameters=[*PAGE_PARAMETERS, OpenApiParameter("since", OpenApiTypes.DATETIME)],
                   responses={200: InspectionCountOutputSerializer(many=True)})
    def get(self, request):
        params = PeriodInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return paginated(self, request,
                         selectors.inspection_summary(since=params.validated_data.get("since")),
                         list)
