"""Keeping an outside provider's trouble from becoming the pipeline's trouble.

Each external provider is wrapped in `ResilientProvider`: a per-process rate limit, a few
quick retries with exponential backoff for transient errors, and a circuit breaker shared
through Django's cache (Redis in production, so all workers agree). While the circuit is
open, calls fail fast with ProviderUnavailableError and the claim goes on to the queue
marked "provider X unavailable".
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from django.core.cache import cache

from core.conf import conf as core_conf
from core.errors import TransientError
from core.http_client import DeadlineTransport, deadline, network_errors_are_transient
from library.conf import conf
from library.evidence.base import EvidenceCandidate, EvidenceProvider, ProviderUnavailableError
from library.metrics import PROVIDER_CIRCUIT_OPEN


def provider_client(*, timeout: float, transport: httpx.BaseTransport | None) -> httpx.Client:
    """A provider's long-lived client: the provider's timeout per step, and connections that
    keep to the deadline `get_json` sets (a test passes its own `transport`)."""
    return httpx.Client(
        timeout=timeout,
        headers={"User-Agent": core_conf().fetch_user_agent},
        transport=transport or DeadlineTransport(),
    )


def get_json(client: httpx.Client, url: str, params: dict[str, Any]) -> Any:
    """GET JSON within the whole-request deadline (CLAIMDESK_FETCH_DEADLINE_S): timeouts, 429
    and 5xx are transient; other errors and non-JSON are not."""
    with deadline(), network_errors_are_transient(url):
        response = client.get(url, params=params)
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"{url} answered HTTP {response.status_code}")
    if response.status_code >= 400:
        raise ProviderUnavailableError(f"{url} answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise ProviderUnavailableError(f"{url} answered with something that is not JSON") from exc


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; stays open for `cooldown_s`."""

    def __init__(self, name: str, *, threshold: int, cooldown_s: float) -> None:
        self.key = f"claimdesk:circuit:{name}"
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.gauge = PROVIDER_CIRCUIT_OPEN.labels(provider=name)

    def is_open(self) -> bool:
        state = cache.get(self.key) or {}
        is_open = bool(state.get("open_until", 0) > time.time())
        self.gauge.set(is_open)
        return is_open

    def record_success(self) -> None:
        cache.delete(self.key)
        self.gauge.set(0)

    def record_failure(self) -> None:
        state = cache.get(self.key) or {"failures": 0, "open_until": 0}
        state["failures"] += 1
        if state["failures"] >= self.threshold:
            state["open_until"] = time.time() + self.cooldown_s
            self.gauge.set(1)
        cache.set(self.key, state, timeout=int(self.cooldown_s * 4) + 1)


class RateLimiter:
    """At most `per_second` calls per second from this process (callers wait their turn)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = max(0.0, self._next - now)
            self._next = max(now, self._next) + self.interval
        if delay:
            time.sleep(delay)


class ResilientProvider:
    def __init__(
        self,
        provider: EvidenceProvider,
        *,
        attempts: int | None = None,
        backoff_s: float | None = None,
        rate_per_s: float | None = None,
    ) -> None:
        self.provider = provider
        self.name = provider.name
        self.attempts = attempts or conf().provider_attempts
        self.backoff_s = conf().provider_backoff_s if backoff_s is None else backoff_s
        self.limiter = RateLimiter(rate_per_s or conf().provider_rate_per_s)
        self.breaker = CircuitBreaker(
            provider.name,
            threshold=conf().provider_circuit_threshold,
            cooldown_s=conf().provider_circuit_cooldown_s,
        )

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        if self.breaker.is_open():
            raise ProviderUnavailableError(f"{self.name}: paused after repeated failures")
        last: Exception | None = None
        for attempt in range(self.attempts):
            self.limiter.wait()
            try:
                result = self.provider.search(claim_text, limit=limit)
            except TransientError as exc:
                last = exc
                if attempt + 1 < self.attempts:
                    time.sleep(self.backoff_s * 2**attempt)
                continue
            except ProviderUnavailableError:
                self.breaker.record_failure()
                raise
            self.breaker.record_success()
            return result
        self.breaker.record_failure()
        raise ProviderUnavailableError(f"{self.name}: {last}")
