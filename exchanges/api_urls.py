"""API endpoints of the exchanges app, mounted under /api/v1/."""

urlpatterns = []
