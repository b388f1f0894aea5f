from django.urls import path

from hotline.api import views

urlpatterns = [
    path("cases/", views.CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/<str:number>/", views.CaseDetailApi.as_view(), name="api-case-detail"),
    path("imei/<str:imei>/", views.ImeiApi.as_view(), name="api-imei"),
    path("customers/", views.CustomerSearchApi.as_view(), name="api-customer-search"),
]
