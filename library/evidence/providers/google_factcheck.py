"""Google Fact Check Tools `claims:search`: earlier fact-checks of similar claims."""

from __future__ import annotations

from typing import Any

import httpx

from core.text import parse_published
from library.conf import conf
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError
from library.evidence.claimreview import plain_text
from library.evidence.resilience import get_json, provider_client

ENDPOINT = "https://factchecktools.googleapis.com/v1alpha1/claims:search"


class GoogleFactCheckProvider:
    name = "google_factcheck"
    external = True

    def __init__(self, *, api_key: str = "", transport: httpx.BaseTransport | None = None) -> None:
        self.api_key = api_key or conf().google_factcheck_api_key
        self.client = provider_client(timeout=conf().provider_timeout_s, transport=transport)

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        if not claim_text.strip():
            return []
        params = {
            "query": claim_text[:500],
            "pageSize": max(1, min(limit, 50)),
            "key": self.api_key,
        }
        data = get_json(self.client, ENDPOINT, params)
        claims = data.get("claims", []) if isinstance(data, dict) else None
        if not isinstance(claims, list):
            raise ProviderUnavailableError("google_factcheck: unexpected response shape")
        candidates = []
        for rank, claim in enumerate(c for c in claims if isinstance(c, dict)):
            for review in claim.get("claimReview") or []:
                candidate = _candidate(claim, review, rank)
                if candidate is not None:
                    candidates.append(candidate)
        return candidates[:limit]


def _candidate(claim: dict[str, Any], review: Any, rank: int) -> EvidenceCandidate | None:
    if not isinstance(review, dict) or not str(review.get("url", "")).startswith("http"):
        return None
    publisher = review.get("publisher") or {}
    claimant = plain_text(claim.get("claimant"))
    text = plain_text(claim.get("text"))
    return EvidenceCandidate(
        url=review["url"],
        title=plain_text(review.get("title")) or text,
        publisher=plain_text(publisher.get("name") or publisher.get("site") or ""),
        snippet=f"{claimant}: {text}" if claimant else text,
        score=round(1.0 / (rank + 1), 4),
        rating=plain_text(review.get("textualRating")),
        published_at=parse_published(review.get("reviewDate")),
    )
