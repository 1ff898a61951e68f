"""reviews's settings (read through reviews/conf.py): the review queue and publication."""

from config.settings.common import env

# --- Review queue ---------------------------------------------------------------------------
# A reviewer's hold on a claim lasts this long after their last action on it; the sweeper then
# returns the claim to the queue (every CLAIMDESK_LEASE_SWEEP_EVERY_S, config/settings/celery.py).
CLAIMDESK_LEASE_S = env.int("CLAIMDESK_LEASE_S", default=30 * 60)
CLAIMDESK_LEASE_SWEEP_EVERY_S = env.float("CLAIMDESK_LEASE_SWEEP_EVERY_S", default=60.0)
# Publishing needs an editor who is not the person who set the verdict (four-eyes rule).
CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON = env.bool(
    "CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON", default=True
)
# Queue priority = a weighted sum of signals in [0, 1] (README, "Queue priority").
CLAIMDESK_PRIORITY_WEIGHTS: dict[str, float] = {
    "checkworthiness": env.float("CLAIMDESK_PRIORITY_W_CHECKWORTHINESS", default=0.55),
    "recency": env.float("CLAIMDESK_PRIORITY_W_RECENCY", default=0.25),
    "reach": env.float("CLAIMDESK_PRIORITY_W_REACH", default=0.10),
    "trending": env.float("CLAIMDESK_PRIORITY_W_TRENDING", default=0.10),
}
# Recency halves every this many hours since the article was published.
CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H = env.float(
    "CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H", default=48.0
)
# Reach in [0, 1] by outlet name and by speaker name (case-insensitive); unknown → 0.
CLAIMDESK_OUTLET_REACH: dict[str, float] = env.json("CLAIMDESK_OUTLET_REACH", default={})
CLAIMDESK_SPEAKER_REACH: dict[str, float] = env.json("CLAIMDESK_SPEAKER_REACH", default={})
# Trending: how many other claims with the same fingerprint arrived in this window
# (saturating at CLAIMDESK_PRIORITY_TRENDING_SATURATION).
CLAIMDESK_PRIORITY_TRENDING_WINDOW_H = env.float(
    "CLAIMDESK_PRIORITY_TRENDING_WINDOW_H", default=72.0
)
CLAIMDESK_PRIORITY_TRENDING_SATURATION = env.int(
    "CLAIMDESK_PRIORITY_TRENDING_SATURATION", default=5
)
# Published fact-checks: who publishes them, where their public pages live, and the rating
# scale of ClaimReview (each verdict's rating_value lies between worst and best).
CLAIMDESK_ORGANIZATION_NAME = env.str("CLAIMDESK_ORGANIZATION_NAME", default="ClaimDesk")
CLAIMDESK_ORGANIZATION_URL = env.str("CLAIMDESK_ORGANIZATION_URL", default="")
CLAIMDESK_ORGANIZATION_LOGO_URL = env.str(
    "CLAIMDESK_ORGANIZATION_LOGO_URL", default=""
)  # "" = ours
# Where readers reach the public pages ("https://factcheck.example"): the API's fact_check_url,
# ClaimReview's url, the sitemap, the Atom feed, webhook payloads. Empty: from the request's
# scheme and host, and without a request (webhooks, tasks) http://127.0.0.1:8000 — so
# production settings require it (config/settings/production.py); `make run` sets it from PORT.
CLAIMDESK_PUBLIC_BASE_URL = env.str("CLAIMDESK_PUBLIC_BASE_URL", default="")
CLAIMDESK_RATING_BEST = env.int("CLAIMDESK_RATING_BEST", default=5)
CLAIMDESK_RATING_WORST = env.int("CLAIMDESK_RATING_WORST", default=1)
# Per-view counts on the queue page are cached this long (a count over a million rows costs
# more than the page itself).
CLAIMDESK_QUEUE_COUNTS_CACHE_S = env.int("CLAIMDESK_QUEUE_COUNTS_CACHE_S", default=30)
