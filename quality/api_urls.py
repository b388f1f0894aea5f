from django.urls import path

from quality import api

urlpatterns = [
    path("alerts/<int:pk>/", api.AlertApi.as_view(), name="api-quality-alert"),
    path("<slug:name>/", api.TableApi.as_view(), name="api-quality-table"),
]
