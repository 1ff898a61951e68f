from django.urls import path

from webhooks.api import views

urlpatterns = [
    path("webhooks", views.WebhookListCreateApi.as_view(), name="webhook-list"),
    path("webhooks/<int:endpoint_id>", views.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:endpoint_id>/deliveries",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver",
        views.WebhookRedeliverApi.as_view(),
        name="webhook-redeliver",
    ),
    path("webhooks/<int:endpoint_id>/ping", views.WebhookPingApi.as_view(), name="webhook-ping"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret",
        views.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
]
