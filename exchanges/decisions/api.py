"""API of the case decision and the case workflow around it (diagnosis, proposal, confirmation,
cancel, revise, resolve, timeline): thin views; the services decide."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from diagnostics.models import Action, FaultCode
from exchanges.decisions import selectors, services
from exchanges.errors import DecisionError
from exchanges.web import CaseApiView, case_or_404
from hotline import services as hotline_services
from hotline.api.pagination import PAGE_PARAMETERS, paginated
from hotline.errors import NotFound


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


class DiagnosisApi(CaseApiView):
    """Record a diagnosis by hand (fault code and action) when no guided script fits; with
    `propose`, propose an outcome from it in the same call."""

    class DiagnosisInputSerializer(serializers.Serializer):
        fault_code = serializers.SlugRelatedField(slug_field="code",
                                                  queryset=FaultCode.objects.filter(active=True))
        action = serializers.ChoiceField(choices=Action.choices)
        advice = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        propose = serializers.BooleanField(
            required=False, default=False,
            help_text="Also propose an outcome from this diagnosis (what the console does).")
        preference = serializers.ChoiceField(
            choices=Action.choices, required=False, allow_blank=True, default="",
            help_text="With propose: the customer's preference, swap or visit (empty: none).")

    @extend_schema(request=DiagnosisInputSerializer, responses={201: CaseStatusOutputSerializer})
    def post(self, request, number):
        case = case_or_404(number)
        data = self.DiagnosisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.diagnosis_record(case=case, actor=request.user, **data.validated_data)
        return Response(CaseStatusOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class DecisionApi(CaseApiView):
    """The case's current decision: proposed outcome, reasons, and what was decided."""

    @extend_schema(responses={200: DecisionOutputSerializer})
    def get(self, request, number):
        decision = selectors.decision_current(case=case_or_404(number))
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
        decision = services.decision_propose(case=case_or_404(number), actor=request.user,
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
        decision = selectors.decision_current(case=case_or_404(number))
        if decision is None or not decision.is_open:
            raise DecisionError("There is no proposed outcome to confirm.", code="no_proposal")
        decision = services.decision_confirm(decision=decision, actor=request.user,
                                             outcome=data.validated_data.get("outcome", ""),
                                             reason=data.validated_data.get("reason", ""))
        return Response(DecisionOutputSerializer(decision).data)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class CaseCancelApi(CaseApiView):
    """Cancel the case with a reason (a case in service: supervisors only)."""

    @extend_schema(request=ReasonInputSerializer, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = hotline_services.case_cancel(case=case_or_404(number), actor=request.user,
                                            reason=data.validated_data["reason"])
        return Response(CaseStatusOutputSerializer(case).data)


class CaseReviseApi(CaseApiView):
    """Take back a decision already acted on (supervisors): the case is diagnosing again."""

    @extend_schema(request=ReasonInputSerializer, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_revise(case=case_or_404(number), actor=request.user,
                                    reason=data.validated_data["reason"])
        return Response(CaseStatusOutputSerializer(case).data)


class CaseResolveApi(CaseApiView):
    """Mark a case in service resolved."""

    @extend_schema(request=None, responses={200: CaseStatusOutputSerializer})
    def post(self, request, number):
        case = hotline_services.case_resolve(case=case_or_404(number), actor=request.user)
        return Response(CaseStatusOutputSerializer(case).data)


class CaseTimelineApi(CaseApiView):
    """The case's audit trail, oldest first."""

    @extend_schema(parameters=PAGE_PARAMETERS, responses={200: EventOutputSerializer(many=True)})
    def get(self, request, number):
        return paginated(self, request, selectors.case_timeline(case=case_or_404(number)),
                         lambda page: EventOutputSerializer(page, many=True).data)
