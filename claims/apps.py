from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles, claims and evidence"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from claims import tasks  # noqa: F401
