"""clients's settings (read through clients/conf.py): API keys and their request rate."""

from config.settings.common import env

# Requests per API key, e.g. "600/min" (empty: unlimited). Over the rate: 429 + Retry-After.
CLAIMDESK_API_RATE = env.str("CLAIMDESK_API_RATE", default="600/min")
# How long a process reuses a looked-up API key; a revocation takes effect everywhere within it.
CLAIMDESK_API_KEY_CACHE_S = env.float("CLAIMDESK_API_KEY_CACHE_S", default=10.0)
