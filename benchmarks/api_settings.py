"""Settings for `python -m benchmarks.api`: the product's settings plus the baseline views."""

from config.settings.local import *  # noqa: F403

DEBUG = False  # no per-request query log; as in production
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.api_urls"
CLAIMDESK_API_RATE = ""  # the load generator uses one key for everything
