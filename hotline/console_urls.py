from django.urls import path

from hotline import lockout_views, views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/handsets/new/", views.handset_add, name="handset_add"),
    path("customers/<int:pk>/cases/new/", views.case_create, name="case_create"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("cases/<str:number>/cancel/", views.case_cancel, name="case_cancel"),
    path("cases/<str:number>/resolve/", views.case_resolve, name="case_resolve"),
    path("cases/<str:number>/notifications/<int:pk>/retry/", views.notification_retry,
         name="notification_retry"),
    path("lockouts/", lockout_views.lockout_list, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", lockout_views.lockout_unlock, name="lockout_unlock"),
]
