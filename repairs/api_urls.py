"""API endpoints of the repairs app, mounted under /api/v1/."""

from django.urls import path

from repairs import api

urlpatterns = [
    path("repairs/measures/", api.MeasuresApi.as_view(), name="repairs-measures"),
    path("repairs/orders/", api.RepairOrderListApi.as_view(), name="repairs-orders"),
    path("repairs/orders/<str:number>/", api.RepairOrderDetailApi.as_view(),
         name="repairs-order"),
    path("repairs/service-points/", api.ServicePointListApi.as_view(),
         name="repairs-service-points"),
]
