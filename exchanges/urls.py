"""Console pages of the exchanges app, and the customer's quote page."""

from django.urls import path

from exchanges.decisions import views as decision_views
from exchanges.quotes import views as quote_views
from exchanges.swaps import views as swap_views
from exchanges.visits import views as visit_views

app_name = "exchanges"
urlpatterns = [
    path("cases/<str:number>/diagnosis/", decision_views.diagnosis_record, name="diagnosis_record"),
    path("cases/<str:number>/propose/", decision_views.decision_propose, name="decision_propose"),
    path("cases/<str:number>/confirm/", decision_views.decision_confirm, name="decision_confirm"),
    path("cases/<str:number>/revise/", decision_views.case_revise, name="case_revise"),
    path("cases/<str:number>/quote/resend/", quote_views.quote_resend, name="quote_resend"),
    path("cases/<str:number>/quote/signed/", quote_views.quote_signed, name="quote_signed"),
    path("cases/<str:number>/quote/decline/", quote_views.quote_decline, name="quote_decline"),
    path("visits/day/", visit_views.visit_day, name="visit_day"),
    path("visits/<int:pk>/book/", visit_views.visit_book, name="visit_book"),
    path("visits/<int:pk>/report.pdf", visit_views.visit_report, name="visit_report"),
    path("visits/<int:pk>/swap/", visit_views.visit_switch_to_swap, name="visit_switch_to_swap"),
    path("visits/<int:pk>/<str:action>/", visit_views.visit_act, name="visit_act"),
    path("swaps/", swap_views.swap_queue, name="swap_queue"),
    path("swaps/returns/", swap_views.swap_returns, name="swap_returns"),
    path("cases/<str:number>/swap-options/", swap_views.swap_options, name="swap_options"),
    path("swaps/<int:pk>/inspect/", swap_views.swap_inspect, name="swap_inspect"),
    path("swaps/<int:pk>/<slug:action>/", swap_views.swap_act, name="swap_act"),
    path("quotes/<str:token>/", quote_views.quote_public, name="quote_public"),
    path("quotes/<str:token>/pdf/", quote_views.quote_public_pdf, name="quote_public_pdf"),
    path("quotes/<str:token>/<str:answer>/", quote_views.quote_public_answer,
         name="quote_public_answer"),
]
