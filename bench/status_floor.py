"""URLs for bench/status_api.py (settings: status_floor_settings): the project's URLs plus
the floor, a bare DRF view returning the same case row (no authentication, one query)."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.models import Case


class CaseRowFloor(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def get(self, request, number):
        row = Case.objects.filter(number=number).values(
            "number", "status", "symptom", "created_at", "updated_at").first()
        return Response(row)


urlpatterns = [
    path("floor/cases/<str:number>/", CaseRowFloor.as_view()),
    path("", include("hotline.urls")),
]
