from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outbound delivery of events to clients' URLs: its own models, tasks and admin."""

    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from webhooks import tasks  # noqa: F401
        from webhooks.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
