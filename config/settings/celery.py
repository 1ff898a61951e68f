"""Celery: broker, results, workers, routes and the whole beat schedule."""

from config.settings.apps.reviews import CLAIMDESK_LEASE_SWEEP_EVERY_S
from config.settings.apps.webhooks import CLAIMDESK_WEBHOOK_QUEUE
from config.settings.common import TIME_ZONE, VAR_DIR, env
from config.settings.database import REDIS_URL

# Embedded default: kombu's SQLAlchemy transport on a SQLite file next to the database, so the
# pipeline is a real asynchronous queue with no broker to install. REDIS_URL or
# CELERY_BROKER_URL switch to Redis (or any broker kombu supports).
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}",
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("redis"):
    # An unacknowledged message (worker killed hard) goes back to the queue after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT_S", default=3600
    )
# Progress and results live on the Article row, so task results are not stored.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is put back on the queue rather than dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The SQLite-backed broker is polled (once a second): a worker that reserves a few messages
# per poll keeps its processes busy. Reserved messages of a killed worker are not lost: the
# sweeper re-enqueues the articles they belonged to.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int(
    "CELERY_WORKER_PREFETCH_MULTIPLIER", default=8 if CELERY_BROKER_URL.startswith("sqla+") else 1
)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = "pipeline"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Webhook deliveries have their own queue, so a slow receiver never holds up the pipeline's
# workers.
CELERY_TASK_ROUTES = {"webhooks.*": {"queue": CLAIMDESK_WEBHOOK_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    # Document frequencies for BM25 on PostgreSQL (a full scan; a no-op on SQLite).
    "library-refresh-stats": {
        "task": "claims.library_refresh_stats",
        "schedule": env.float("CLAIMDESK_LEXICAL_STATS_EVERY_S", default=3600.0),
    },
    # Embeds passages whose indexing task was lost or whose vectors predate the current model.
    "library-index-missing": {
        "task": "claims.library_index_missing",
        "schedule": env.float("CLAIMDESK_INDEX_MISSING_EVERY_S", default=300.0),
    },
    # Safety net for a lost refresh (indexing tasks queue one after writing vectors).
    "dense-index-refresh": {
        "task": "claims.dense_index_refresh",
        "schedule": env.float("CLAIMDESK_DENSE_REFRESH_EVERY_S", default=600.0),
    },
    # Safety net for a lost refresh of the reviewed-claims index (a verdict set or cleared
    # queues one); matching is right in between anyway (claims/services/matching.py).
    "claim-index-refresh": {
        "task": "claims.claim_index_refresh",
        "schedule": env.float("CLAIMDESK_CLAIM_INDEX_REFRESH_EVERY_S", default=600.0),
    },
    "pipeline-sweep-stuck": {
        "task": "claims.pipeline_sweep_stuck",
        "schedule": env.float("CLAIMDESK_SWEEP_EVERY_S", default=60.0),
    },
    # Expired review leases return their claims to the queue.
    "reviews-expire-leases": {
        "task": "reviews.leases_expire",
        "schedule": CLAIMDESK_LEASE_SWEEP_EVERY_S,
    },
    # Pending webhook deliveries whose task message was lost are enqueued again.
    "webhooks-resume-stalled": {
        "task": "webhooks.deliveries_resume_stalled",
        "schedule": env.float("CLAIMDESK_WEBHOOK_SWEEP_EVERY_S", default=300.0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
