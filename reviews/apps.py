from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review queue"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from claims import ports
        from core import metrics
        from reviews import tasks  # noqa: F401
        from reviews.conf import conf
        from reviews.metrics import QueueCollector
        from reviews.selectors import claims_reviewed
        from reviews.services.queue import review_items_enqueue_for_article

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it

        # The pipeline (claims) hands ready articles to the queue and matches new claims
        # against reviewed ones through these ports; claims never imports reviews.
        ports.register_review_handoff(review_items_enqueue_for_article)
        ports.register_match_candidates(claims_reviewed)

        # The queue's levels for /metrics (README, "Operations").
        metrics.register_level_collector("reviews", QueueCollector())
