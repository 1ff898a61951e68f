from django.apps import AppConfig


class ClientsConfig(AppConfig):
    """API clients: keys with scopes, how they authenticate, how fast they may call."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"
