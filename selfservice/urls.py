from django.urls import path

from selfservice import views

app_name = "selfservice"
urlpatterns = [
    path("track/", views.lookup, name="lookup"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/ask/", views.ask, name="ask"),
    path("track/<str:token>/window/", views.new_window, name="new_window"),
    path("track/<str:token>/visits/<int:visit_id>/confirm/", views.confirm_window,
         name="confirm_window"),
    path("track/<str:token>/visits/<int:visit_id>/report.pdf", views.visit_report,
         name="visit_report"),
    path("track/<str:token>/swaps/<int:swap_id>/rebook/", views.rebook, name="rebook"),
    path("console/questions/", views.followups, name="followups"),
    path("console/questions/<int:pk>/answer/", views.followup_answer, name="followup_answer"),
]
