from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles, claims and evidence"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from claims import tasks  # noqa: F401
        from claims.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
