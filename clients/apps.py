from django.apps import AppConfig


class ClientsConfig(AppConfig):
    """API clients: keys with scopes, how they authenticate, how fast they may call."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"

    def ready(self) -> None:
        from clients import schema  # noqa: F401 — registers the OpenAPI security scheme
        from clients.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
