"""The provider interface. Each provider finds candidates for one claim; failures are local."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


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


class ProviderUnavailableError(Exception):
    """The provider could not answer now (outage, rate limit); the claim goes on without it."""


class EvidenceProvider(Protocol):
    name: str

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]: ...


@cache
def get_providers() -> tuple[EvidenceProvider, ...]:
    """Providers named in CLAIMDESK_EVIDENCE_PROVIDERS, built once per process."""
    return tuple(import_string(path)() for path in settings.CLAIMDESK_EVIDENCE_PROVIDERS)
