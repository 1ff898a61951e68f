"""The desk's metrics (README, "Operations"): take-next latency, recorded where claims are
handed out, and the queue per status, read at scrape time (core/metrics.py says why)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from reviews import selectors

TAKE_NEXT_SECONDS = Histogram(
    "claimdesk_take_next_duration_seconds",
    "Time to hand a reviewer the next claim, by outcome: taken, or empty (nothing to take).",
    ["outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class QueueCollector(Collector):
    """Review items per status and the unassigned backlog, from the queue page's shared counts
    (one grouped scan, cached for CLAIMDESK_QUEUE_COUNTS_CACHE_S)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = selectors.queue_counts()
        items = GaugeMetricFamily(
            "claimdesk_review_items",
            "Review items (claims in the queue) by status.",
            labels=["status"],
        )
        for slug in selectors.status_slugs():
            items.add_metric([slug], counts.get(slug, 0))
        yield items
        yield GaugeMetricFamily(
            "claimdesk_review_items_unassigned",
            "Unpublished review items nobody is working on: the desk's backlog.",
            value=counts["unassigned"],
        )
