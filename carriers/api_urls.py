"""API endpoints of the carriers app, mounted under /api/v1/."""

from django.urls import path

from carriers import views

urlpatterns = [
    path("carriers/<slug:code>/webhook", views.webhook, name="carriers-webhook"),
]
