"""webhooks's settings (read through webhooks/conf.py) (README, "Webhooks")."""

from config.settings.common import env

# Deliveries have their own queue, so a slow receiver never holds up the pipeline's workers
# (CELERY_TASK_ROUTES, config/settings/celery.py).
CLAIMDESK_WEBHOOK_QUEUE = "webhooks"
CLAIMDESK_WEBHOOK_TIMEOUT_S = env.float("CLAIMDESK_WEBHOOK_TIMEOUT_S", default=10.0)
# Attempts per delivery; retries wait base × 3^(n−1) s (±20 %), capped: with the defaults
# 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min, 2 h, 6 h (about 9 h in all).
CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = env.int("CLAIMDESK_WEBHOOK_MAX_ATTEMPTS", default=8)
CLAIMDESK_WEBHOOK_RETRY_BASE_S = env.float("CLAIMDESK_WEBHOOK_RETRY_BASE_S", default=30.0)
CLAIMDESK_WEBHOOK_RETRY_MAX_S = env.float("CLAIMDESK_WEBHOOK_RETRY_MAX_S", default=6 * 3600.0)
# An endpoint is disabled after this many deliveries in a row failed for good.
CLAIMDESK_WEBHOOK_DISABLE_AFTER = env.int("CLAIMDESK_WEBHOOK_DISABLE_AFTER", default=10)
# Plain http endpoints are refused unless this is on (local testing only).
CLAIMDESK_WEBHOOK_ALLOW_HTTP = env.bool("CLAIMDESK_WEBHOOK_ALLOW_HTTP", default=False)
# Beat re-enqueues pending deliveries this overdue (their task message was lost), looking every
# CLAIMDESK_WEBHOOK_SWEEP_EVERY_S (config/settings/celery.py).
CLAIMDESK_WEBHOOK_STALLED_AFTER_S = env.int("CLAIMDESK_WEBHOOK_STALLED_AFTER_S", default=600)
