from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "ClaimDesk core"

    def ready(self) -> None:
        from core import signin  # noqa: F401  (connects the lockout log)
        from core.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
