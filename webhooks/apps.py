from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outbound delivery of events to clients' URLs: its own models, tasks and admin."""

    name = "webhooks"
    verbose_name = "Webhooks"
