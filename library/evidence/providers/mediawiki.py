"""MediaWiki full-text search (Wikipedia in any language, or a newsroom's own wiki)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from library.conf import conf
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError
from library.evidence.claimreview import plain_text
from library.evidence.resilience import get_json, provider_client
from library.evidence.terms import query_terms


class MediaWikiProvider:
    name = "wikipedia"
    external = True

    def __init__(self, *, api_url: str = "", transport: httpx.BaseTransport | None = None) -> None:
        self.api_url = api_url or conf().mediawiki_api_url
        # https://en.wikipedia.org/w/api.php → https://en.wikipedia.org/wiki/<Title>
        self.page_base = self.api_url.rsplit("/w/api.php", 1)[0] + "/wiki/"
        self.client = provider_client(timeout=conf().provider_timeout_s, transport=transport)

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        # Whole claims rarely match page text verbatim; the informative terms do.
        terms = query_terms(claim_text)
        if not terms:
            return []
        params = {
            "action": "query",
            "list": "search",
            "srsearch": " ".join(terms),
            "srlimit": max(1, min(limit, 50)),
            "srprop": "snippet",
            "format": "json",
            "formatversion": "2",
        }
        data = get_json(self.client, self.api_url, params)
        return [self._candidate(hit, rank) for rank, hit in enumerate(_hits(data)[:limit])]

    def _candidate(self, hit: dict[str, Any], rank: int) -> EvidenceCandidate:
        title = str(hit["title"])
        description = (
            hit.get("terms", {}).get("description") if isinstance(hit.get("terms"), dict) else None
        )
        snippet = plain_text(hit.get("snippet") or hit.get("extract") or description or "")
        return EvidenceCandidate(
            url=self.page_base + quote(title.replace(" ", "_")),
            title=title,
            publisher="Wikipedia",
            snippet=snippet,
            score=round(1.0 / (rank + 1), 4),
        )


def _hits(data: Any) -> list[dict[str, Any]]:
    """Search hits from `list=search` (old and new formats) or `generator=search` answers."""
    if not isinstance(data, dict):
        raise ProviderUnavailableError("wikipedia: unexpected response shape")
    if "error" in data:
        raise ProviderUnavailableError(f"wikipedia: {plain_text(data['error'])}")
    query = data.get("query") or {}
    if not isinstance(query, dict):
        raise ProviderUnavailableError("wikipedia: unexpected response shape")
    hits = query.get("search")
    if hits is None:
        pages = query.get("pages") or []
        hits = sorted(
            pages.values() if isinstance(pages, dict) else pages,
            key=lambda page: page.get("index", 0) if isinstance(page, dict) else 0,
        )
    return [hit for hit in hits if isinstance(hit, dict) and hit.get("title")]
