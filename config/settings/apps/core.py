"""core's settings (read through core/conf.py): request size, outbound HTTP and the metrics
endpoint."""

from config.settings.common import env

# --- Request size ---------------------------------------------------------------------------
# Largest article body accepted (API upload, ingest command, fetched page). Larger → 413 / failed.
CLAIMDESK_MAX_ARTICLE_BYTES = env.int("CLAIMDESK_MAX_ARTICLE_BYTES", default=5 * 1024 * 1024)

# --- Outbound HTTP (article URLs, citations, sources, providers, webhooks) ------------------
# The timeout applies to each step (connecting, each read); the deadline to the whole request,
# from connecting to the last byte of the body, so a server that sends a byte a second cannot
# hold a worker. 30 s: the 5 MiB page cap arrives in ~20 s even at 2 Mbit/s.
CLAIMDESK_FETCH_TIMEOUT_S = env.float("CLAIMDESK_FETCH_TIMEOUT_S", default=15.0)
CLAIMDESK_FETCH_DEADLINE_S = env.float("CLAIMDESK_FETCH_DEADLINE_S", default=30.0)
CLAIMDESK_FETCH_MAX_REDIRECTS = env.int("CLAIMDESK_FETCH_MAX_REDIRECTS", default=5)
CLAIMDESK_FETCH_USER_AGENT = env.str(
    "CLAIMDESK_FETCH_USER_AGENT", default="ClaimDesk/0.1 (+https://github.com/claimdesk)"
)
# Hosts (names or IPs) that may be fetched although they resolve to private, loopback or
# link-local addresses, e.g. an intranet CMS. Empty by default: the SSRF guard blocks them.
CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS: list[str] = env.list(
    "CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS", default=[]
)

# --- Metrics (/metrics) ---------------------------------------------------------------------
# A scrape is allowed with `Authorization: Bearer <token>` or from one of the networks (the
# client address Django sees: behind a proxy, the proxy's). Neither set: /metrics is closed.
CLAIMDESK_METRICS_TOKEN = env.str("CLAIMDESK_METRICS_TOKEN", default="")
CLAIMDESK_METRICS_ALLOWED_NETWORKS: list[str] = env.list(
    "CLAIMDESK_METRICS_ALLOWED_NETWORKS", default=[]
)

# --- Reverse proxies --------------------------------------------------------------------------
# How many reverse proxies stand in front of the app, each setting X-Forwarded-Proto and
# appending the address it saw to X-Forwarded-For. 0 (the default): clients connect directly,
# and those headers are the client's own words, so they are ignored: otherwise anyone could
# claim https (SECURE_PROXY_SSL_HEADER, config/settings/security.py) or another address to
# slip past the login lockout (core/signin.py).
CLAIMDESK_TRUSTED_PROXIES = env.int("CLAIMDESK_TRUSTED_PROXIES", default=0)
