from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("", views.home, name="home"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("import/", views.upload, name="upload"),
    path("report.pdf", views.report, name="report"),
    path("figures/rates/", views.table, {"name": "rates"}, name="rates"),
    path("figures/<slug:name>/", views.table, name="table"),
]
