from django.urls import path

import core.converters  # noqa: F401 — registers <id:...>
from webhooks.api import views

urlpatterns = [
    path("webhooks", views.WebhookListCreateApi.as_view(), name="webhook-list"),
    path("webhooks/<id:endpoint_id>", views.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<id:endpoint_id>/deliveries",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<id:endpoint_id>/deliveries/<id:delivery_id>/redeliver",
        views.WebhookRedeliverApi.as_view(),
        name="webhook-redeliver",
    ),
    path("webhooks/<id:endpoint_id>/ping", views.WebhookPingApi.as_view(), name="webhook-ping"),
    path(
        "webhooks/<id:endpoint_id>/rotate-secret",
        views.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
]
