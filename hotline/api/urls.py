from django.urls import path

from hotline.api import views

urlpatterns = [
    # cases/ (list, open, detail) are served by partners/api (the public status vocabulary).
    path("imei/<str:imei>/", views.ImeiApi.as_view(), name="api-imei"),
    path("customers/", views.CustomerSearchApi.as_view(), name="api-customer-search"),
]
