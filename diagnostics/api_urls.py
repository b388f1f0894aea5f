"""API endpoints of the diagnostics app, mounted under /api/v1/."""

urlpatterns = []
