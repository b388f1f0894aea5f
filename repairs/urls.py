"""Console pages of the repairs app."""

from django.urls import path

from repairs import point_views, views

app_name = "repairs"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/<slug:action>/", views.order_act, name="order_act"),
    path("parts/", views.parts, name="parts"),
    path("parts/receive/", views.parts_receive, name="parts_receive"),
    path("measures/", views.measures, name="measures"),
    path("cases/<str:number>/refer/", views.case_refer, name="case_refer"),
    path("service-points/", point_views.points, name="points"),
    path("service-points/import/", point_views.points_import, name="points_import"),
    path("counter/", point_views.point_console, name="point_console"),
    path("counter/<str:reference>/<slug:action>/", point_views.referral_act,
         name="referral_act"),
]
