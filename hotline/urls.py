"""The root URLconf: the only place (with settings) that knows every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from hotline import error_pages, health, views

handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
handler500 = error_pages.server_error

urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("hotline.console_urls")),
    path("diagnostics/", include("diagnostics.urls")),
    path("exchanges/", include("exchanges.urls")),
    path("carriers/", include("carriers.urls")),
    path("calls/", include("calls.urls")),
    path("repairs/", include("repairs.urls")),
    path("quality/", include("quality.urls")),
    path("partners/", include("partners.urls")),
    path("payments/", include("payments.urls")),
    path("api/v1/", include("partners.api.urls")),
    path("", include("selfservice.urls")),
    path("api/v1/", include("hotline.api.urls")),
    path("api/v1/", include("diagnostics.api_urls")),
    path("api/v1/", include("exchanges.api_urls")),
    path("api/v1/", include("carriers.api_urls")),
    path("api/v1/", include("calls.api_urls")),
    path("api/v1/", include("repairs.api_urls")),
    path("api/v1/quality/", include("quality.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/swagger/", SpectacularSwaggerView.as_view(url_name="api-schema"),
         name="api-swagger"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
# Uploaded and generated files (courier labels, slips, proofs of purchase) carry customers'
# names, addresses and phones: they are never served from MEDIA_URL, in any mode, only through
# views that check the user (carriers:shipment_document) or the customer's signed link.
