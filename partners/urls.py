from django.urls import path

from partners import receiver, views

app_name = "partners"
urlpatterns = [
    path("", views.home, name="home"),
    path("receiver/<slug:name>/", receiver.receiver, name="receiver"),
    path("<slug:code>/", views.distributor_page, name="distributor"),
    path("<slug:code>/keys/", views.key_create, name="key_create"),
    path("<slug:code>/keys/<str:prefix>/rotate/", views.key_rotate, name="key_rotate"),
    path("<slug:code>/keys/<str:prefix>/revoke/", views.key_revoke, name="key_revoke"),
    path("<slug:code>/webhooks/", views.webhook_create, name="webhook_create"),
    path("<slug:code>/webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("<slug:code>/webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("<slug:code>/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("<slug:code>/deliveries/<int:pk>/redeliver/", views.delivery_redeliver,
         name="delivery_redeliver"),
]
