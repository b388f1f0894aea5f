"""API endpoints of the diagnostics app, mounted under /api/v1/."""

from django.urls import path

from diagnostics import api

urlpatterns = [
    path("cases/<str:number>/scripts/", api.CaseScriptsApi.as_view(), name="api-case-scripts"),
    path("cases/<str:number>/diagnosis-runs/", api.CaseRunsApi.as_view(), name="api-case-runs"),
    path("cases/<str:number>/recommendation/", api.CaseRecommendationApi.as_view(),
         name="api-case-recommendation"),
    path("diagnosis-runs/<int:pk>/", api.RunApi.as_view(), name="api-run"),
    path("diagnosis-runs/<int:pk>/result/", api.RunResultApi.as_view(), name="api-run-result"),
    path("diagnosis-runs/<int:pk>/answer/", api.RunAnswerApi.as_view(), name="api-run-answer"),
    path("diagnosis-runs/<int:pk>/back/", api.RunBackApi.as_view(), name="api-run-back"),
    path("diagnosis-runs/<int:pk>/abandon/", api.RunAbandonApi.as_view(), name="api-run-abandon"),
    path("scripts/", api.ScriptStatsListApi.as_view(), name="api-script-list"),
    path("scripts/<int:pk>/stats/", api.ScriptStatsApi.as_view(), name="api-script-stats"),
]
