"""Console pages of the calls app."""

from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("", views.screen_pop, name="screen_pop"),
    path("current/", views.screen_pop_current, name="screen_pop_current"),
    path("<int:pk>/open-case/", views.call_open_case, name="open_case"),
    path("<int:pk>/link-case/", views.call_link_case, name="link_case"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("wallboard/figures/", views.wallboard_figures, name="wallboard_figures"),
    path("report/", views.report, name="report"),
    path("planner/", views.planner, name="planner"),
    path("staffing/", views.staffing, name="staffing"),
]
