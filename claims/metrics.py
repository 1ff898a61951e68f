"""The pipeline's metrics (README, "Operations"): step latency and failures, recorded where
steps run (`claims.steps`), and the articles per state, read from the database at scrape time
(see core/metrics.py for why each is taken where it is)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from claims import selectors
from claims.services.pipeline import StepFailed
from core.errors import TransientError

STEP_SECONDS = Histogram(
    "claimdesk_pipeline_step_duration_seconds",
    "Time a pipeline step's work took (outside the article's lock), by step (its task name).",
    ["step"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
STEP_FAILURES = Counter(
    "claimdesk_pipeline_step_failures",
    "Pipeline steps that did not finish, by step and kind: transient (the task retries), "
    "failed (recorded on the article), error (unexpected: the task's failure handler).",
    ["step", "kind"],
)


@contextmanager
def step_observed(step: str) -> Iterator[None]:
    """Times the step's work and counts how it failed, if it did (the exception goes on)."""
    started = time.perf_counter()
    try:
        yield
    except StepFailed:
        STEP_FAILURES.labels(step=step, kind="failed").inc()
        raise
    except TransientError:
        STEP_FAILURES.labels(step=step, kind="transient").inc()
        raise
    except Exception:
        STEP_FAILURES.labels(step=step, kind="error").inc()
        raise
    finally:
        STEP_SECONDS.labels(step=step).observe(time.perf_counter() - started)


class PipelineCollector(Collector):
    """Articles per state, and how long the article that has waited longest for a worker has
    not moved: the sweeper re-enqueues it after CLAIMDESK_PIPELINE_STUCK_AFTER_S, so a value
    well above that means the workers are not keeping up, or not running."""

    def __init__(self, *, working_states: Iterable[str]) -> None:
        self.working_states = tuple(working_states)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        articles = GaugeMetricFamily(
            "claimdesk_articles", "Articles by pipeline state.", labels=["state"]
        )
        for state, count in selectors.article_counts_by_state().items():
            articles.add_metric([state], count)
        yield articles
        oldest = selectors.article_oldest_progress(states=self.working_states)
        waited = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "claimdesk_pipeline_oldest_waiting_seconds",
            "Seconds since the least recently moved article still in the pipeline last moved "
            "(0: none in the pipeline).",
            value=max(waited, 0.0),
        )
