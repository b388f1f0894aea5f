"""Console pages of the carriers app."""

from django.urls import path

from carriers import views

app_name = "carriers"
urlpatterns = [
    path("", views.shipment_list, name="shipment_list"),
    path("sandbox/advance/", views.sandbox_advance, name="sandbox_advance"),
    path("<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("<int:pk>/refresh/", views.shipment_refresh, name="shipment_refresh"),
    path("<int:pk>/cancel/", views.shipment_cancel, name="shipment_cancel"),
    path("<int:pk>/documents/<slug:kind>/", views.shipment_document, name="shipment_document"),
]
