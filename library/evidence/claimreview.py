"""Read schema.org ClaimReview: from fact-checkers' pages (JSON-LD), feeds and JSON lines.

Real pages are messy: ClaimReview sits beside other JSON-LD (`@graph`, lists, DataFeeds),
`claimReviewed` may be a list or carry HTML entities, the rating may be only a name. Parsing
keeps whatever is usable and skips what is not, rather than failing the whole page.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from core.text import parse_published

logger = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ParsedClaimReview:
    url: str
    claim_reviewed: str
    rating: str
    publisher: str
    published_at: datetime | None
    language: str
    claimant: str
    appearance_url: str
    raw: dict[str, Any]


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document that is a ClaimReview, wherever it is nested."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        for key in ("@graph", "dataFeedElement", "item", "mainEntity", "claimReview"):
            if key in node:
                yield from _walk(node[key])


def plain_text(value: Any) -> str:
    """Text of a JSON-LD value: lists joined, objects by name, HTML entities and tags removed."""
    if isinstance(value, list):
        return " ".join(plain_text(v) for v in value if v)
    if isinstance(value, dict):
        return plain_text(value.get("name") or value.get("alternateName") or value.get("url") or "")
    return _TAGS.sub("", html.unescape(str(value or ""))).replace("\x00", "").strip()


def without_nul(value: Any) -> Any:
    """`value` with NUL characters dropped from every key and string: PostgreSQL stores
    neither text nor JSON containing them, and they carry nothing."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def parse_claimreview(obj: dict[str, Any]) -> ParsedClaimReview | None:
    claim = plain_text(obj.get("claimReviewed"))
    url = plain_text(obj.get("url"))
    if not claim or not url.startswith(("http://", "https://")):
        return None
    rating_obj = _first(obj.get("reviewRating")) or {}
    rating = ""
    if isinstance(rating_obj, dict):
        rating = plain_text(rating_obj.get("alternateName") or rating_obj.get("name") or "")
    item = _first(obj.get("itemReviewed")) or {}
    item = item if isinstance(item, dict) else {}
    appearance = _first(item.get("appearance") or item.get("firstAppearance") or {})
    appearance_url = (
        appearance.get("url", "") if isinstance(appearance, dict) else plain_text(appearance)
    )
    return ParsedClaimReview(
        url=url,
        claim_reviewed=claim,
        rating=rating[:200],
        publisher=plain_text(_first(obj.get("author")) or _first(obj.get("publisher")) or "")[:200],
        published_at=parse_published(plain_text(obj.get("datePublished")) or None),
        language=plain_text(obj.get("inLanguage"))[:16],
        claimant=plain_text(_first(item.get("author")) or "")[:200],
        appearance_url=plain_text(appearance_url or item.get("url") or "")[:2048],
        raw=without_nul(obj),
    )


def _parsed(nodes: Iterator[dict[str, Any]]) -> list[ParsedClaimReview]:
    found = [parse_claimreview(node) for node in nodes]
    return [review for review in found if review is not None]


def claimreviews_from_html(page: str) -> list[ParsedClaimReview]:
    """Every usable ClaimReview in a page's JSON-LD blocks; broken blocks are skipped."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, etree.ParserError):
        return []
    documents = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            documents.append(json.loads(script.text or "", strict=False))
        except json.JSONDecodeError as exc:
            logger.info("skipping a JSON-LD block that is not valid JSON: %s", exc)
    return _parsed(_walk(documents))


def claimreviews_from_feed(text: str) -> list[ParsedClaimReview]:
    """A ClaimReview feed: a JSON document (DataFeed, DataFeedItem, list) or JSON lines."""
    stripped = text.strip()
    try:
        return _parsed(_walk(json.loads(stripped)))
    except json.JSONDecodeError:
        pass
    documents = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number} is not JSON: {exc.msg}") from exc
    return _parsed(_walk(documents))
