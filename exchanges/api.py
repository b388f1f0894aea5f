"""API of the case workflow: thin views; the services decide."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from diagnostics.models import Action, FaultCode
from exchanges import selectors, services
from hotline import services as hotline_services
from hotline.api.fields import BoundedDateTimeField, PeriodInputSerializer
from hotline.api.permissions import IsStaffRole
from hotline.errors import CaseError, NotFound
from hotline.models import Case


class DecisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    fault_code = serializers.CharField(source="fault_code_id")
    recommended_action = serializers.CharField()
    preference = serializers.CharField()
    proposed_outcome = serializers.CharField()
    proposed_paid = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    warranty = serializers.SerializerMethodField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    paid = serializers.BooleanField()
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    decided_at = serializers.DateTimeField()
    override_reason = serializers.CharField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_warranty(self, decision):
        """Return the warranty the decision was made on (None when it was not recorded)."""
        inputs = decision.inputs if isinstance(decision.inputs, dict) else {}
        return inputs.get("warranty")


class QuoteLineSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class QuoteOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    case = serializers.CharField(source="case.number")
    outcome = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    lines = QuoteLineSerializer(many=True)
    subtotal = serializers.DecimalField(max_digits=10, decimal_places=2)
    delivery_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    tax_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField()
    answered_via = serializers.CharField()
    signed_by = serializers.CharField()
    link = serializers.SerializerMethodField()

    def get_link(self, quote) -> str:
        return services.quote_link(quote=quote)


class CaseStatusOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()


class EventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    who = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()


class IsSupervisor(BasePermission):
    def has_permission(self, request, view):
        from hotline.roles import SUPERVISOR, has_role

        return has_role(request.user, SUPERVISOR)


def _case(number: str) -> Case:
    return get_object_or_404(Case.objects.select_related("customer", "handset__model"),
                             number=number)


class CaseApiView(APIView):
    permission_classes = [IsStaffRole]


class DiagnosisApi(CaseApiView):
    """Record a diagnosis by hand (fault code and action) when no guided script fits."""

    class DiagnosisInputSerializer(serializers.Serializer):
        fault_code = serializers.SlugRelatedField(slug_field="code",
                                                  queryset=FaultCode.objects.filter(active=True))
        action = serializers.ChoiceField(choices=Action.choices)
        advice = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=DiagnosisInputSerializer, responses={201: CaseStatusOutputSerializer})
    def post(self, request, number):
        case = _case(number)
        data = self.DiagnosisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.diagnosis_record(case=case, actor=request.user, **data.validated_data)
        return Response(CaseStatusOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class DecisionApi(CaseApiView):
    """The case's current decision: proposed outcome, reasons, and what was decided."""

    @extend_schema(responses={200: DecisionOutputSerializer})
    def get(self, request, number):
        decision = selectors.decision_current(case=_case(number))
        if decision is None:
            raise NotFound("No outcome was proposed for this case yet.")
        return Response(DecisionOutputSerializer(decision).data)


class DecisionProposeApi(CaseApiView):
    """Propose an outcome from the case's diagnosis, warranty, stock and technicians."""

    class DecisionProposeInputSerializer(serializers.Serializer):
        preference = serializers.ChoiceField(
            choices=Action.choices, required=False, allow_blank=True, default="",
            help_text="The customer's preference: swap or visit (empty: none).")

    @extend_schema(request=DecisionProposeInputSerializer, responses={201: DecisionOutputSerializer})
    def post(self, request, number):
        data = self.DecisionProposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.decision_propose(case=_case(number), actor=request.user,
                                             preference=data.validated_data["preference"])
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionConfirmApi(CaseApiView):
    """Confirm the proposed outcome, or override it (supervisors, with a reason)."""

    class DecisionConfirmInputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Action.choices, required=False)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(request=DecisionConfirmInputSerializer, responses={200: DecisionOutputSerializer})
    def post(self, request, number):
        data = self.DecisionConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = selectors.decision_current(case=_case(number))
        if decision is None or not decision.is_open:
            raise CaseError("There is no proposed outcome to confirm.", code="no_proposal")
        decision = services.decision_confirm(decision=decision, actor=request.user,
                                             outcome=data.validated_data.get("outcome", ""),
                                             reason=data.validated_data.get("reason", ""))
        return Response(DecisionOutputSerializer(decision).data)


def _quote(number):
    quote = selectors.quote_current(case=_case(number))
    if quote is None:
        raise NotFound("This case has no quote.")
    return quote


class QuoteApi(CaseApiView):
    """The case's latest quote, itemised."""

    @extend_schema(responses={200: QuoteOutputSerializer})
    def get(self, request, number):
        return Response(QuoteOutputSerializer(_quote(number)).data)


class QuoteSendApi(CaseApiView):
    """Send the pending quote to the customer again (e-mail with PDF, and SMS)."""

    @extend_schema(request=None, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        quote = services.quote_resend(quote=_quote(number), actor=request.user)
        return Response(QuoteOutputSerializer(quote).data)


class QuoteAcceptApi(CaseApiView):
    """Record the customer's signed acceptance of the pending quote; the service is ordered."""

    class QuoteAcceptInputSerializer(serializers.Serializer):
        signed_by = serializers.CharField(max_length=120)

    @extend_schema(request=QuoteAcceptInputSerializer, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        data = self.QuoteAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_accept(quote=_quote(number), via="signed", actor=request.user,
                                      signed_by=data.validated_data["signed_by"],
                                      ip=request.META.get("REMOTE_ADDR"))
        return Response(QuoteOutputSerializer(quote).data)


class QuoteDeclineApi(CaseApiView):
    """Record that the customer declined the pending quote."""

    class QuoteDeclineInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(request=QuoteDeclineInputSerializer, responses={200: QuoteOutputSerializer})
    def post(self, request, number):
        data = self.QuoteDeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_decline(quote=_quote(number), via="phone", actor=request.user,
                                       reason=data.validated_data.get("reason", ""))
        return Response(QuoteOutputSerializer(quote).data)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class CaseCancelApi(CaseApiView):
    """Cancel the case with a reason (a case in service: supervisors only)."""

    @extend_schema(request=ReasonInputSerializer, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = hotline_services.case_cancel(case=_case(number), actor=request.user,
                                            reason=data.validated_data["reason"])
        return Response(CaseStatusOutputSerializer(case).data)


class CaseReviseApi(CaseApiView):
    """Take back a decision already acted on (supervisors): the case is diagnosing again."""

    @extend_schema(request=ReasonInputSerializer, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_revise(case=_case(number), actor=request.user,
                                    reason=data.validated_data["reason"])
        return Response(CaseStatusOutputSerializer(case).data)


class CaseResolveApi(CaseApiView):
    """Mark a case in service resolved."""

    @extend_schema(request=None, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        case = hotline_services.case_resolve(case=_case(number), actor=request.user)
        return Response(CaseStatusOutputSerializer(case).data)


class CaseTimelineApi(CaseApiView):
    """The case's audit trail, oldest first."""

    @extend_schema(responses={200: EventOutputSerializer(many=True)})
    def get(self, request, number):
        events = _case(number).audit_events.select_related("actor").order_by("at", "id")[:500]
        return Response(EventOutputSerializer(events, many=True).data)


class SlotOutputSerializer(serializers.Serializer):
    technician_id = serializers.IntegerField()
    technician_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    within_promise = serializers.BooleanField()


def _open_visit(number):
    from exchanges.models import OPEN_VISIT_STATES, Visit

    visit = (Visit.objects.filter(case__number=number, status__in=OPEN_VISIT_STATES)
             .select_related("case__handset__model", "fault_code").first())
    if visit is None:
        raise NotFound("This case has no open visit.")
    return visit


class VisitSlotsApi(CaseApiView):
    """The earliest free technician slots for the case's visit (within 24 h, else the next)."""

    @extend_schema(responses={200: SlotOutputSerializer(many=True)})
    def get(self, request, number):
        from exchanges.slots import visit_slots

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
        from exchanges.models import Technician

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

    permission_classes = [IsSupervisor]

    InputSerializer = PeriodInputSerializer

    @extend_schema(parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME),
                               OpenApiParameter("until", OpenApiTypes.DATETIME)],
                   responses={200: VisitMeasuresOutputSerializer})
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.visit_measures(since=params.validated_data.get("since"),
                                                 until=params.validated_data.get("until")))
