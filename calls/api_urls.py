"""API endpoints of the calls app, mounted under /api/v1/."""

from django.urls import path

from calls import api

urlpatterns = [
    path("cti/events/", api.CtiEventsApi.as_view(), name="calls-cti-events"),
    path("calls/sla/", api.SlaReportApi.as_view(), name="calls-sla"),
    path("calls/staffing/", api.StaffingApi.as_view(), name="calls-staffing"),
    path("calls/wallboard/", api.WallboardApi.as_view(), name="calls-wallboard"),
]
