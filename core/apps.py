from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "ClaimDesk core"

    def ready(self) -> None:
        # Signal handlers: log context and task outcome counts (Celery, in web and worker) and
        # the lockout log (django-axes).
        from core import logs, metrics, signin  # noqa: F401
        from core.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
