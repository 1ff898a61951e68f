from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Source library"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from library import tasks  # noqa: F401
        from library.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
