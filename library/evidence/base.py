"""The provider interface. Each provider finds candidates for one claim; failures are local."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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
    # The cross-encoder reranker's logit (library.evidence.rerank) for the library passages it
    # rescored; None for the rest and for other providers.
    rerank_score: float | None = None
    # Set by library.evidence.judge: calibrated relevance (None: could not be scored) and
    # whether the item is listed as evidence.
    relevance: float | None = None
    relevant: bool = True


class ProviderUnavailableError(Exception):
    """The provider could not answer now (outage, rate limit); the claim goes on without it."""


class EvidenceProvider(Protocol):
    name: str

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]: ...
