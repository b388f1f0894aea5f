"""URLs for bench/status_api.py and bench/diagnostic_step.py (settings: status_floor_settings):
the project's URLs plus the floors, bare DRF views (no authentication, no permission, no
throttle): the same case row (one query), and one answer to a diagnostic step (the run
locked, the step stored, the run moved on)."""

from django.db import transaction
from django.db.models import F
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from diagnostics.models import ScriptRun, ScriptStep
from hotline.models import Case


class CaseRowFloor(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def get(self, request, number):
        row = Case.objects.filter(number=number).values(
            "number", "status", "symptom", "created_at", "updated_at").first()
        return Response(row)


class StepFloor(APIView):
    """Answer the current question of a run: no checks beyond the choice, no audit, no path."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def post(self, request, pk):
        with transaction.atomic():
            run = ScriptRun.objects.select_for_update(of=("self",)).select_related(
                "version").get(pk=pk)
            node = run.version.node(run.current_node)
            target = next(c["next"] for c in node["choices"] if c["id"] == request.data["answer"])
            ScriptStep.objects.create(run=run, seq=run.position + 1, position=run.position,
                                      node_id=node["id"], answer=request.data["answer"],
                                      seconds=0, answered_at=run.node_entered_at)
            ScriptRun.objects.filter(pk=pk).update(current_node=target,
                                                   position=F("position") + 1)
        return Response({"step": run.position + 1, "current": run.version.node(target)})


urlpatterns = [
    path("floor/cases/<str:number>/", CaseRowFloor.as_view()),
    path("floor/diagnosis-runs/<int:pk>/answer/", StepFloor.as_view()),
    path("", include("hotline.urls")),
]
