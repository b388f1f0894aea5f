"""Console pages of the carriers app."""

app_name = "carriers"
urlpatterns = []
