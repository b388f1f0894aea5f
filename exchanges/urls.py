"""Console pages of the exchanges app."""

app_name = "exchanges"
urlpatterns = []
