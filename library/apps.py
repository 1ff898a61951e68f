from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Source library"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from core import health
        from library import tasks  # noqa: F401
        from library.conf import conf
        from library.evidence import embedder, relevance, stance

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it

        # The shipped models evidence gathering loads (README, "Operations": /readyz).
        health.register(
            "model_embedder",
            health.ModelLoads(
                lambda: [embedder.MODEL_PATH, embedder.TOKENIZER_PATH],
                lambda: embedder.Embedder(embedder.MODEL_PATH, embedder.TOKENIZER_PATH, threads=1),
            ),
        )
        health.register(
            "model_stance",
            health.ModelLoads(
                lambda: [stance.MODEL_PATH, stance.CARD_PATH, stance.CROSS_ENCODER_PATH],
                lambda: stance.StanceModel.load(stance.MODEL_PATH, threads=1),
            ),
        )
        health.register(
            "model_relevance",
            health.ModelLoads(
                lambda: [relevance.MODEL_PATH],
                lambda: relevance.RelevanceModel.load(relevance.MODEL_PATH),
            ),
        )
