from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review queue"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from reviews import tasks  # noqa: F401
        from reviews.conf import conf

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it
