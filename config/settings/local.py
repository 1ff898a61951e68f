"""Developer machine / `make run`: the embedded default (SQLite + SQLite-backed broker)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-dev-only-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Notification emails (reviews.notification_email) are printed by the worker, not sent.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# /metrics answers scrapers on this machine without a token (README, "Operations").
CLAIMDESK_METRICS_ALLOWED_NETWORKS = env.list(
    "CLAIMDESK_METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1"]
)
