"""The diagnostics API: scripts for a case, runs step by step, results, QA figures."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from diagnostics import selectors, services
from diagnostics.capabilities import RUN_SCRIPTS, VIEW_SCRIPTS
from diagnostics.models import RunStatus, ScriptRun, ScriptVersion
from diagnostics.presenters import run_view
from hotline.api.permissions import HasCapability
from hotline.models import Case


class ScriptVersionOutputSerializer(serializers.ModelSerializer):
    script = serializers.CharField(source="script.slug")
    title = serializers.CharField()

    class Meta:
        model = ScriptVersion
        fields = ["id", "script", "number", "title", "symptom", "also_for", "handset_models",
                  "published_at"]


class StepOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    node_id = serializers.CharField()
    question = serializers.CharField()
    answer_id = serializers.CharField()
    answer = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    seconds = serializers.IntegerField()


class ResultOutputSerializer(serializers.Serializer):
    fault_code = serializers.CharField()
    fault_description = serializers.CharField()
    warranty_covered = serializers.BooleanField()
    action = serializers.CharField()
    advice = serializers.CharField()


class RunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="run.id")
    case = serializers.CharField(source="run.case.number")
    script = ScriptVersionOutputSerializer(source="version")
    status = serializers.CharField(source="run.status")
    step = serializers.IntegerField(help_text="Send it back with the answer: the step you saw.")
    current = serializers.DictField(allow_null=True)
    path = StepOutputSerializer(many=True)
    started_at = serializers.DateTimeField(source="run.started_at")
    finished_at = serializers.DateTimeField(source="run.finished_at")
    abandon_reason = serializers.CharField(source="run.abandon_reason")
    result = ResultOutputSerializer(allow_null=True)


def _run_data(run: ScriptRun) -> dict:
    view = run_view(run)
    in_progress = run.status == RunStatus.IN_PROGRESS
    view["current"] = view["current"] if in_progress else None
    view["result"] = _result(run)
    return RunOutputSerializer(view).data


def _result(run: ScriptRun) -> dict | None:
    if run.status != RunStatus.COMPLETED:
        return None
    return {"fault_code": run.fault_code.code, "fault_description": run.fault_code.description,
            "warranty_covered": run.fault_code.warranty_covered, "action": run.action,
            "advice": selectors.run_outcome_text(run)}


def _run(pk) -> ScriptRun:
    return get_object_or_404(ScriptRun.objects.select_related(
        "case", "version__script", "fault_code"), pk=pk)


class CaseScriptsApi(APIView):
    """Scripts applicable to the case's handset model, likeliest for its symptom first."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    @extend_schema(responses={200: ScriptVersionOutputSerializer(many=True)})
    def get(self, request, number):
        case = get_object_or_404(Case.objects.select_related("handset__model"), number=number)
        versions = selectors.scripts_for_case(case=case)
        return Response(ScriptVersionOutputSerializer(versions, many=True).data)


class CaseRunsApi(generics.GenericAPIView):
    """List the case's runs (newest first, paginated); start a run of a script version."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS
    queryset = ScriptRun.objects.none()  # for the schema; the runs come from the selector

    class RunStartInputSerializer(serializers.Serializer):
        version = serializers.IntegerField(help_text="id of a script version for this case")

    @extend_schema(responses={200: RunOutputSerializer(many=True)})
    def get(self, request, number):
        case = get_object_or_404(Case, number=number)
        page = self.paginate_queryset(selectors.case_runs(case=case))
        return self.get_paginated_response([_run_data(run) for run in page])

    @extend_schema(request=RunStartInputSerializer, responses={201: RunOutputSerializer})
    def post(self, request, number):
        case = get_object_or_404(Case.objects.select_related("handset__model"), number=number)
        data = self.RunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = get_object_or_404(ScriptVersion, pk=data.validated_data["version"])
        run = services.run_start(case=case, version=version, actor=request.user)
        return Response(_run_data(_run(run.pk)), status=status.HTTP_201_CREATED)


class CaseRecommendationApi(APIView):
    """The recommendation of the case's latest completed run (404 when there is none)."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    @extend_schema(responses={200: dict})
    def get(self, request, number):
        case = get_object_or_404(Case, number=number)
        found = selectors.case_recommendation(case=case)
        if found is None:
            return Response({"detail": "No completed diagnosis on this case.",
                             "code": "no_recommendation"}, status=status.HTTP_404_NOT_FOUND)
        return Response({"fault_code": found.fault_code.code, "action": found.action,
                         "advice": found.advice, "run": found.run_id,
                         "warranty_covered": found.fault_code.warranty_covered})


class RunApi(APIView):
    """A run: its path, the current step (with the step number to send back), its result."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    @extend_schema(responses={200: RunOutputSerializer})
    def get(self, request, pk):
        return Response(_run_data(_run(pk)))


class RunResultApi(APIView):
    """The run's status and result (null until it is completed)."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        run = _run(pk)
        return Response({"status": run.status, "result": _result(run)})


class RunAnswerApi(APIView):
    """Answer the current step. `step` is the step number you saw: 409 if the run moved on."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    class RunAnswerInputSerializer(serializers.Serializer):
        step = serializers.IntegerField(min_value=0)
        answer = serializers.CharField(required=False, max_length=80)
        value = serializers.DecimalField(required=False, max_digits=12, decimal_places=3)

        def validate(self, data):
            if "answer" not in data and "value" not in data:
                raise serializers.ValidationError("Send an answer (a choice id, helped or "
                                                  "not_helped) or a measured value.")
            return data

    @extend_schema(request=RunAnswerInputSerializer, responses={200: RunOutputSerializer})
    def post(self, request, pk):
        data = self.RunAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service locks the run by id and returns it with what its view shows.
        run = services.run_answer(run=pk, step=data.validated_data["step"],
                                  answer=data.validated_data.get("answer"),
                                  value=data.validated_data.get("value"), actor=request.user)
        return Response(_run_data(run))


class RunBackApi(APIView):
    """Go back to an earlier step of the path (0-based `to_step`)."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    class RunBackInputSerializer(serializers.Serializer):
        to_step = serializers.IntegerField(min_value=0)
        step = serializers.IntegerField(min_value=0, required=False)

    @extend_schema(request=RunBackInputSerializer, responses={200: RunOutputSerializer})
    def post(self, request, pk):
        data = self.RunBackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_back(run=_run(pk), to_step=data.validated_data["to_step"],
                                step=data.validated_data.get("step"), actor=request.user)
        return Response(_run_data(_run(run.pk)))


class RunAbandonApi(APIView):
    """Abandon the run, with the reason."""

    permission_classes = [HasCapability]
    capability = RUN_SCRIPTS

    class RunAbandonInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(request=RunAbandonInputSerializer, responses={200: RunOutputSerializer})
    def post(self, request, pk):
        data = self.RunAbandonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_abandon(run=_run(pk), reason=data.validated_data["reason"],
                                   actor=request.user)
        return Response(_run_data(_run(run.pk)))


class ScriptStatsListApi(generics.ListAPIView):
    """Every script version with its runs, completion and average duration (QA, supervisors)."""

    permission_classes = [HasCapability]
    capability = VIEW_SCRIPTS

    class ScriptStatsOutputSerializer(ScriptVersionOutputSerializer):
        runs = serializers.IntegerField(source="run_count")
        completed = serializers.IntegerField()
        abandoned = serializers.IntegerField()
        avg_seconds = serializers.FloatField(allow_null=True)

        class Meta(ScriptVersionOutputSerializer.Meta):
            fields = [*ScriptVersionOutputSerializer.Meta.fields, "runs", "completed",
                      "abandoned", "avg_seconds"]

    serializer_class = ScriptStatsOutputSerializer

    def get_queryset(self):
        return selectors.version_list()


class ScriptStatsApi(APIView):
    """One version's figures: runs, completion rate, average and p90 duration, outcome
    distribution, and per node the answers taken and the abandonments."""

    permission_classes = [HasCapability]
    capability = VIEW_SCRIPTS

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        version = get_object_or_404(ScriptVersion.objects.select_related("script"), pk=pk)
        stats = selectors.version_stats(version=version)
        return Response({"script": ScriptVersionOutputSerializer(version).data, **stats})
