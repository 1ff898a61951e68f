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
    # Deliberately long: Redis does not renew it while a task runs, nor while a retry waits for
    # its countdown, so anything shorter than the hard time limit plus the longest retry wait
    # would hand healthy work to a second worker. Dead workers are found much sooner by the
    # pipeline's step leases (claims/leases.py, CLAIMDESK_PIPELINE_DEAD_AFTER_S); this is only
    # the broker's own last resort.
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
# A task whose pool process died is put back on the queue at once rather than dropped; its
# redelivery has the same task id, so it takes the step's lease over (claims/leases.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# On a lost broker connection, let running tasks finish rather than cancel them: they still
# renew their step leases and commit through the database, so the work is kept. (Should their
# message be delivered again meanwhile, the copy takes the lease over, having the same task id,
# and the first run's commit is refused: still done once.) Cancelling would throw the work away
# and, where the message comes back only after the visibility timeout, leave it to the sweeper.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# With acks_late and a multiplier of 1, a worker holds only the messages it is running, one per
# process (plus retries waiting for their countdown, whose leases cover the wait), so what a
# worker killed whole strands is almost always under a lease the sweeper sees expire. (A
# message between reservation and start has none: the sweeper re-enqueues such work once the
# queue is empty.) The SQLite-backed broker is polled (once a second), so there a worker
# reserves a few messages per poll to keep its processes busy; that broker never redelivers
# the reserved messages of a killed worker, and the sweeper re-enqueues them the same way.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int(
    "CELERY_WORKER_PREFETCH_MULTIPLIER", default=8 if CELERY_BROKER_URL.startswith("sqla+") else 1
)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="pipeline")
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
    # Re-enqueues steps whose worker stopped beating, and lost work: often enough that an
    # article waits little more than CLAIMDESK_PIPELINE_DEAD_AFTER_S (60 s) after a crash.
    "pipeline-sweep-stuck": {
        "task": "claims.pipeline_sweep_stuck",
        "schedule": env.float("CLAIMDESK_SWEEP_EVERY_S", default=15.0),
    },
    # Retrains the linear check-worthiness model once CLAIMDESK_FEEDBACK_RETRAIN_AFTER reviewer
    # labels are new (a no-op otherwise: one COUNT); a run takes seconds to a minute.
    "checkworthiness-retrain": {
        "task": "lab.checkworthiness_retrain",
        "schedule": env.float("CLAIMDESK_FEEDBACK_RETRAIN_EVERY_S", default=900.0),
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
