from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "ClaimDesk core"

    def ready(self) -> None:
        # Celery signal handlers: log context and task outcome counts, in web and worker.
        from core import logs, metrics  # noqa: F401
        from core.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
