"""Webhook metrics (README, "Operations"): how delivery attempts end."""

from __future__ import annotations

from prometheus_client import Counter

DELIVERY_ATTEMPTS = Counter(
    "claimdesk_webhook_delivery_attempts",
    "Webhook delivery attempts by outcome: succeeded, retrying (a retry is scheduled), "
    "failed (for good), skipped (the endpoint was disabled: nothing sent).",
    ["outcome"],
)
