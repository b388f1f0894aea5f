"""API endpoints of the exchanges app, mounted under /api/v1/."""

from django.urls import path

from exchanges.decisions import api as decision_api
from exchanges.quotes import api as quote_api
from exchanges.swaps import api as swap_api
from exchanges.visits import api as visit_api

urlpatterns = [
    path("cases/<str:number>/diagnosis/", decision_api.DiagnosisApi.as_view(), name="api-case-diagnosis"),
    path("cases/<str:number>/decision/", decision_api.DecisionApi.as_view(), name="api-case-decision"),
    path("cases/<str:number>/decision/propose/", decision_api.DecisionProposeApi.as_view(),
         name="api-case-decision-propose"),
    path("cases/<str:number>/decision/confirm/", decision_api.DecisionConfirmApi.as_view(),
         name="api-case-decision-confirm"),
    path("cases/<str:number>/quote/", quote_api.QuoteApi.as_view(), name="api-case-quote"),
    path("cases/<str:number>/quote/send/", quote_api.QuoteSendApi.as_view(), name="api-case-quote-send"),
    path("cases/<str:number>/quote/accept/", quote_api.QuoteAcceptApi.as_view(),
         name="api-case-quote-accept"),
    path("cases/<str:number>/quote/decline/", quote_api.QuoteDeclineApi.as_view(),
         name="api-case-quote-decline"),
    path("cases/<str:number>/cancel/", decision_api.CaseCancelApi.as_view(), name="api-case-cancel"),
    path("cases/<str:number>/revise/", decision_api.CaseReviseApi.as_view(), name="api-case-revise"),
    path("cases/<str:number>/resolve/", decision_api.CaseResolveApi.as_view(), name="api-case-resolve"),
    path("cases/<str:number>/visit/slots/", visit_api.VisitSlotsApi.as_view(),
         name="api-case-visit-slots"),
    path("cases/<str:number>/visit/book/", visit_api.VisitBookApi.as_view(),
         name="api-case-visit-book"),
    path("visits/measures/", visit_api.VisitMeasuresApi.as_view(), name="api-visit-measures"),
    path("visits/<int:pk>/<slug:action>/", visit_api.VisitActionApi.as_view(),
         name="api-visit-action"),
    path("cases/<str:number>/timeline/", decision_api.CaseTimelineApi.as_view(), name="api-case-timeline"),
    path("cases/<str:number>/swaps/", swap_api.CaseSwapsApi.as_view(), name="api-case-swaps"),
    path("cases/<str:number>/swaps/options/", swap_api.SwapOptionsApi.as_view(),
         name="api-case-swap-options"),
    path("swaps/inspections/", swap_api.InspectionSummaryApi.as_view(),
         name="api-swap-inspections"),
    path("swaps/exceptions/", swap_api.SwapExceptionsApi.as_view(), name="api-swap-exceptions"),
    path("swaps/measures/", swap_api.SwapMeasuresApi.as_view(), name="api-swap-measures"),
    path("swaps/promise/", swap_api.SwapPromiseApi.as_view(), name="api-swap-promise"),
    path("swaps/<int:pk>/", swap_api.SwapDetailApi.as_view(), name="api-swap-detail"),
    path("swaps/<int:pk>/<slug:action>/", swap_api.SwapActionApi.as_view(),
         name="api-swap-action"),
    path("handsets/<str:imei>/ledger/", swap_api.HandsetLedgerApi.as_view(),
         name="api-handset-ledger"),
]
