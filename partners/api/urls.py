from django.urls import path

from partners.api import cases, webhooks

urlpatterns = [
    path("cases/", cases.CaseListCreateApi.as_view(), name="api-case-list"),
    path("cases/by-reference/<str:reference>/", cases.CaseByReferenceApi.as_view(),
         name="api-case-by-reference"),
    path("cases/<str:number>/", cases.CaseDetailApi.as_view(), name="api-case-detail"),
    path("webhooks/", webhooks.WebhookListCreateApi.as_view(),
         name="partners-api-webhook-list"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailApi.as_view(),
         name="partners-api-webhook-detail"),
    path("webhooks/<int:pk>/test/", webhooks.WebhookTestApi.as_view(),
         name="partners-api-webhook-test"),
    path("webhooks/<int:pk>/deliveries/", webhooks.WebhookDeliveryListApi.as_view(),
         name="partners-api-webhook-deliveries"),
    path("webhook-deliveries/<int:pk>/redeliver/", webhooks.WebhookRedeliverApi.as_view(),
         name="partners-api-webhook-redeliver"),
]
