"""API endpoints of the carriers app, mounted under /api/v1/."""

urlpatterns = []
