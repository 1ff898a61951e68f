from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles, claims and evidence"

    def ready(self) -> None:
        # Services enqueue tasks by name (core.tasks); the names must be registered.
        from claims import tasks  # noqa: F401
        from claims.conf import conf
        from claims.extraction import checkworthiness
        from claims.metrics import PipelineCollector
        from claims.steps import WORKING_STATES
        from core import health, metrics

        conf()  # a bad CLAIMDESK_* setting stops the start-up, naming it

        # For the people who run it (README, "Operations").
        metrics.register_level_collector("claims", PipelineCollector(working_states=WORKING_STATES))
        health.register(
            "model_checkworthiness",
            health.ModelLoads(
                lambda: [checkworthiness.MODEL_PATH],
                lambda: checkworthiness.CheckworthinessModel.load(checkworthiness.MODEL_PATH),
            ),
        )
