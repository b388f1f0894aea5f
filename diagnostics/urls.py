"""Console pages of the diagnostics app."""

from django.urls import path

from diagnostics import views

app_name = "diagnostics"
urlpatterns = [
    path("cases/<str:number>/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/answer/", views.run_answer, name="run_answer"),
    path("runs/<int:pk>/back/", views.run_back, name="run_back"),
    path("runs/<int:pk>/abandon/", views.run_abandon, name="run_abandon"),
    path("scripts/", views.script_list, name="scripts"),
    path("scripts/<int:pk>/", views.script_version, name="script_version"),
]
