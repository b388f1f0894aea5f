"""Console pages of the calls app."""

app_name = "calls"
urlpatterns = []
