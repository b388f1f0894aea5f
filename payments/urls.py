from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
    path("sandbox/<str:provider_ref>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("receipts/<str:reference>.pdf", views.receipt, name="receipt"),
    path("console/", views.payment_list, name="list"),
    path("console/<str:reference>/", views.payment_detail, name="detail"),
    path("console/<str:reference>/retry/", views.refund_retry, name="refund_retry"),
]
