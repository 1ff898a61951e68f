"""The provider interface. Each provider finds candidates for one claim; failures are local."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Protocol

from django.utils.module_loading import import_string

from library.conf import conf


@dataclass(frozen=True)
class EvidenceCandidate:
    url: str
    title: str
    publisher: str
    snippet: str
    score: float
    passage_id: int | None = None
    stance: str = ""
    stance_confidence: float | None = None
    rating: str = ""  # an earlier fact-check's verdict
    published_at: datetime | None = None


class ProviderUnavailableError(Exception):
    """The provider could not answer now (outage, rate limit); the claim goes on without it."""


class EvidenceProvider(Protocol):
    name: str

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]: ...


@cache
def get_providers() -> tuple[EvidenceProvider, ...]:
    """Providers named in CLAIMDESK_EVIDENCE_PROVIDERS, built once per process. External ones
    (`external = True`) go behind retries, a rate limit and a circuit breaker."""
    from library.evidence.resilience import ResilientProvider

    providers: list[EvidenceProvider] = []
    for path in conf().evidence_providers:
        provider = import_string(path)()
        providers.append(
            ResilientProvider(provider) if getattr(provider, "external", False) else provider
        )
    return tuple(providers)
