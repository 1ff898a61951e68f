"""The work of each pipeline step; the step table and the runner are in claims/steps.py.

Each step does its work outside any lock and returns a write, which the runner applies under
the article's row lock only if the step's lease is still the run's and the article (or claim)
still needs it: a step that runs twice (redelivery after a crash, the sweeper re-enqueuing)
finds nothing to do the second time. Evidence is gathered per claim, and each claim is marked
done once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable

from claims.conf import conf
from claims.extraction import ScoredSentence, get_extractor
from claims.models import Article, ArticleSentence, Claim, Evidence
from claims.services.matching import claim_match
from core.errors import ApplicationError, PermanentError, TransientError
from core.http_client import fetch_text
from core.text import (
    ExtractedPage,
    content_hash,
    detect_language,
    extract_from_html,
    extract_from_text,
    looks_like_html,
)
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError
from library.evidence.hybrid import embed_query
from library.evidence.judge import judge
from library.evidence.registry import get_providers

logger = logging.getLogger(__name__)
_WORDS = re.compile(r"\w\w")  # text with no two word characters in a row has nothing to check
# Characters of a claim sent to evidence providers (far above any real sentence).
EVIDENCE_QUERY_CHARS = 2000
State = Article.State


class StepFailed(Exception):
    """The step cannot succeed for this article (an unreachable URL, no text): the runner
    records `reason` on the article as its final failure."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A step's work returns one of these: it writes the step's results onto the article, which the
# runner has locked again and found still in the step's working state with its lease still the
# run's (claims/steps.py).
Write = Callable[[Article], None]
# The same for the evidence of one claim (the runner holds the article's row lock).
EvidenceWrite = Callable[[], None]


def article_fetch(article: Article) -> Write:
    """Download the article's URL through the guarded client. TransientError → task retries."""
    try:
        body, _ = fetch_text(article.source_url)
    except PermanentError as exc:
        raise StepFailed(str(exc)) from exc
    except ApplicationError as exc:
        raise StepFailed(exc.message) from exc

    def write(locked: Article) -> None:
        locked.raw_content = body

    return write


def _prepare(article: Article) -> ExtractedPage:
    # Fetched URLs may serve plain text too; sniff rather than trust the input kind alone.
    if article.input_kind == Article.InputKind.TEXT or not looks_like_html(article.raw_content):
        return extract_from_text(article.raw_content)
    return extract_from_html(article.raw_content, url=article.source_url)


def article_extract(article: Article) -> Write:
    """Extract text and metadata, detect duplicates, then create the article's claims."""
    page = _prepare(article)
    if not _WORDS.search(page.text):
        raise StepFailed("No article text could be extracted.")
    digest = content_hash(page.text)
    language = page.language or detect_language(page.text)
    sentences = get_extractor().extract(
        page.text,
        author=article.byline or page.byline,
        outlet=article.outlet or page.outlet,
        language=language,
    )

    def write(locked: Article) -> None:
        locked.text = page.text
        locked.content_hash = digest
        locked.title = locked.title or page.title[:500]
        locked.byline = locked.byline or page.byline[:500]
        locked.outlet = locked.outlet or page.outlet[:200]
        locked.published_at = locked.published_at or page.published_at
        locked.language = locked.language or language[:16]
        original = (
            Article.objects.filter(content_hash=digest, duplicate_of=None)
            .exclude(pk=locked.pk)
            .exclude(state=State.FAILED)
            .order_by("pk")
            .first()
        )
        if original is not None:
            # The same story under another URL: point at it instead of queueing its claims twice.
            locked.duplicate_of = original
            locked.state = State.DUPLICATE
            return
        claims = Claim.objects.bulk_create(
            [claim_from_sentence(locked, s) for s in sentences if s.check_worthy]
        )
        by_start = {claim.sentence_start: claim for claim in claims}
        ArticleSentence.objects.bulk_create(
            ArticleSentence(
                article=locked,
                start=s.start,
                end=s.end,
                score=s.score,
                check_worthy=s.check_worthy,
                reason=s.reason[:100],
                claim=by_start.get(s.start),
            )
            for s in sentences
        )
        locked.claims_total = len(claims)

    return write


def claim_from_sentence(article: Article, s: ScoredSentence) -> Claim:
    return Claim(
        article=article,
        text=s.text,
        self_contained_text=s.self_contained_text,
        sentence=s.sentence,
        sentence_start=s.start,
        sentence_end=s.end,
        speaker=s.speaker[:200],
        speaker_kind=s.speaker_kind,
        outlet=(s.outlet or article.outlet)[:200],
        source=s.source[:200],
        is_quote=s.is_quote,
        attribution=s.attribution,
        entities=s.entities,
        checkworthiness=s.score,
        checkworthiness_model=s.model_version,
        claim_type=s.claim_type,
        fingerprint=content_hash(s.self_contained_text),
    )


def _hit_key(provider: str, candidate: EvidenceCandidate) -> str:
    return hashlib.sha256(f"{provider}\n{candidate.url}\n{candidate.snippet}".encode()).hexdigest()


def evidence_query(claim: Claim) -> str:
    """What providers are asked: the claim standing alone, cut to EVIDENCE_QUERY_CHARS (a
    runaway sentence would otherwise become a megabyte-long search request)."""
    return claim.self_contained_text[:EVIDENCE_QUERY_CHARS]


def claim_gather_evidence(claim: Claim) -> EvidenceWrite:
    """Match the claim and ask every provider for candidates; a provider that fails is noted,
    not fatal. The candidates are then judged (relevance, stance hints: library.evidence.judge).
    Returns the write that stores the evidence and the claim's evidence state."""
    claim_match(claim=claim)
    query = evidence_query(claim)
    gathered: list[tuple[str, EvidenceCandidate]] = []
    errors: list[str] = []
    providers = get_providers()
    for provider in providers:
        try:
            candidates = provider.search(query, limit=conf().evidence_per_claim)
        except (ProviderUnavailableError, TransientError) as exc:
            logger.warning("provider %s unavailable for claim %s: %s", provider.name, claim.pk, exc)
            errors.append(f"{provider.name} unavailable")
            continue
        gathered.extend((provider.name, c) for c in candidates)
    judgement = judge(query, [c for _, c in gathered], claim_vector=embed_query(query))
    found = [
        Evidence(
            claim=claim,
            provider=name,
            url=c.url,
            title=c.title[:500],
            publisher=c.publisher[:200],
            snippet=c.snippet,
            score=c.score,
            relevance=c.relevance,
            relevant=c.relevant,
            stance=c.stance,
            stance_confidence=c.stance_confidence,
            passage_id=c.passage_id,
            rating=c.rating[:200],
            published_at=c.published_at,
            hit_key=_hit_key(name, c),
        )
        for (name, _), c in zip(gathered, judgement.candidates, strict=True)
    ]

    def write() -> None:
        Evidence.objects.bulk_create(found, ignore_conflicts=True)
        Claim.objects.filter(pk=claim.pk).update(
            evidence_state=judgement.outcome,
            evidence_errors=errors + judgement.problems,
            evidence_providers=[provider.name for provider in providers],
        )

    return write
