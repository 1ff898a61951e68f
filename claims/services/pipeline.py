"""The steps a worker runs for an article: fetch → extract → gather evidence → finish.

Each step is idempotent through the article's state: it claims the article under a row lock,
does its work outside the lock, then writes its results only if the article is still in the
state it claimed. A step that runs twice (redelivery after a crash, the sweeper re-enqueuing)
therefore finds nothing to do the second time.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from claims import dispatch
from claims.conf import conf
from claims.extraction import ScoredSentence, get_extractor
from claims.handoff import hand_off_to_review
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
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError, get_providers
from library.evidence.stance import get_stance_model

logger = logging.getLogger(__name__)
_WORDS = re.compile(r"\w\w")  # text with no two word characters in a row has nothing to check
State = Article.State


def enqueue_next_step(article: Article) -> None:
    """Enqueue the task that moves `article` on from its current state (after commit)."""
    if article.state in (State.QUEUED, State.FETCHING):
        if article.input_kind == Article.InputKind.URL and not article.raw_content:
            dispatch.enqueue_fetch(article.pk)
        else:
            dispatch.enqueue_extract(article.pk)
    elif article.state == State.EXTRACTING:
        dispatch.enqueue_extract(article.pk)
    elif article.state == State.GATHERING:
        pending = article.claims.filter(evidence_state=Claim.EvidenceState.PENDING)
        dispatch.enqueue_gather(pending.values_list("pk", flat=True))
        dispatch.enqueue_finish(article.pk)


def _claim_step(article_id: int, allowed: tuple[str, ...], working: str) -> Article | None:
    """Move the article into `working` if it is in one of `allowed`; None means nothing to do."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in allowed:
            return None
        # Attempts count starts of the current step, so the sweeper's limit is per step.
        article.attempts = article.attempts + 1 if article.state == working else 1
        article.state = working
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "attempts", "progressed_at", "updated_at"])
        return article


def article_fetch(*, article_id: int) -> None:
    """Download the article's URL through the guarded client. TransientError → task retries."""
    article = _claim_step(article_id, (State.QUEUED, State.FETCHING), State.FETCHING)
    if article is None:
        return
    try:
        body, _ = fetch_text(article.source_url)
    except PermanentError as exc:
        article_mark_failed(article_id=article_id, reason=str(exc))
        return
    except ApplicationError as exc:
        article_mark_failed(article_id=article_id, reason=exc.message)
        return
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article_id)
        if locked.state != State.FETCHING:
            return
        locked.raw_content = body
        locked.state = State.EXTRACTING
        locked.progressed_at = timezone.now()
        locked.save(update_fields=["raw_content", "state", "progressed_at", "updated_at"])
        dispatch.enqueue_extract(article_id)


def _prepare(article: Article) -> ExtractedPage:
    # Fetched URLs may serve plain text too; sniff rather than trust the input kind alone.
    if article.input_kind == Article.InputKind.TEXT or not looks_like_html(article.raw_content):
        return extract_from_text(article.raw_content)
    return extract_from_html(article.raw_content, url=article.source_url)


def article_extract(*, article_id: int) -> None:
    """Extract text and metadata, detect duplicates, then create the article's claims."""
    article = _claim_step(article_id, (State.QUEUED, State.EXTRACTING), State.EXTRACTING)
    if article is None:
        return
    page = _prepare(article)
    if not _WORDS.search(page.text):
        article_mark_failed(article_id=article_id, reason="No article text could be extracted.")
        return
    digest = content_hash(page.text)
    language = page.language or detect_language(page.text)
    sentences = get_extractor().extract(
        page.text,
        author=article.byline or page.byline,
        outlet=article.outlet or page.outlet,
        language=language,
    )
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article_id)
        if locked.state != State.EXTRACTING:
            return
        locked.text = page.text
        locked.content_hash = digest
        locked.title = locked.title or page.title[:500]
        locked.byline = locked.byline or page.byline[:500]
        locked.outlet = locked.outlet or page.outlet[:200]
        locked.published_at = locked.published_at or page.published_at
        locked.language = locked.language or language[:16]
        locked.progressed_at = timezone.now()
        original = (
            Article.objects.filter(content_hash=digest, duplicate_of=None)
            .exclude(pk=article_id)
            .exclude(state=State.FAILED)
            .order_by("pk")
            .first()
        )
        if original is not None:
            # The same story under another URL: point at it instead of queueing its claims twice.
            locked.duplicate_of = original
            locked.state = State.DUPLICATE
            locked.save()
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
        locked.state = State.GATHERING
        locked.save()
        # Each evidence task finishes the article when it is the last; with no claims the
        # article is finished directly. (bulk_create returns ids on PostgreSQL and SQLite.)
        if claims:
            dispatch.enqueue_gather(c.pk for c in claims)
        else:
            dispatch.enqueue_finish(article_id)


def claim_from_sentence(article: Article, s: ScoredSentence) -> Claim:
    return Claim(
        article=article,
        text=s.text,
        self_contained_text=s.self_contained_text,
        sentence=s.sentence,
        sentence_start=s.start,
        sentence_end=s.end,
        speaker=s.speaker[:200],
        outlet=(s.outlet or article.outlet)[:200],
        is_quote=s.is_quote,
        attribution=s.attribution,
        entities=s.entities,
        checkworthiness=s.score,
        claim_type=s.claim_type,
        fingerprint=content_hash(s.self_contained_text),
    )


def _with_stance_hints(
    claim_text: str, candidates: list[EvidenceCandidate]
) -> list[EvidenceCandidate]:
    """Add a supports/refutes/neither hint to passages (not to earlier fact-checks, whose
    rating says more)."""

    def wants_hint(c: EvidenceCandidate) -> bool:
        return not c.stance and not c.rating and bool(c.snippet)

    snippets = [c.snippet for c in candidates if wants_hint(c)]
    if not snippets:
        return candidates
    hints = iter(get_stance_model().predict(claim_text, snippets))
    hinted = []
    for candidate in candidates:
        if wants_hint(candidate):
            hint = next(hints)
            candidate = replace(candidate, stance=hint.stance, stance_confidence=hint.confidence)
        hinted.append(candidate)
    return hinted


def _hit_key(provider: str, candidate: EvidenceCandidate) -> str:
    return hashlib.sha256(f"{provider}\n{candidate.url}\n{candidate.snippet}".encode()).hexdigest()


def claim_gather_evidence(*, claim_id: int) -> None:
    """Ask every provider for candidates; a provider that fails is noted, not fatal."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return
    if claim.evidence_state == Claim.EvidenceState.PENDING:
        claim_match(claim=claim)
        found: list[Evidence] = []
        errors: list[str] = []
        for provider in get_providers():
            try:
                candidates = provider.search(
                    claim.self_contained_text, limit=conf().evidence_per_claim
                )
            except (ProviderUnavailableError, TransientError) as exc:
                logger.warning(
                    "provider %s unavailable for claim %s: %s", provider.name, claim_id, exc
                )
                errors.append(f"{provider.name} unavailable")
                continue
            candidates = _with_stance_hints(claim.self_contained_text, candidates)
            found.extend(
                Evidence(
                    claim=claim,
                    provider=provider.name,
                    url=c.url,
                    title=c.title[:500],
                    publisher=c.publisher[:200],
                    snippet=c.snippet,
                    score=c.score,
                    stance=c.stance,
                    stance_confidence=c.stance_confidence,
                    passage_id=c.passage_id,
                    rating=c.rating[:200],
                    published_at=c.published_at,
                    hit_key=_hit_key(provider.name, c),
                )
                for c in candidates
            )
        with transaction.atomic():
            Evidence.objects.bulk_create(found, ignore_conflicts=True)
            Claim.objects.filter(pk=claim_id).update(
                evidence_state=Claim.EvidenceState.DONE, evidence_errors=errors
            )
            Article.objects.filter(pk=claim.article_id).update(progressed_at=timezone.now())
    article_finish(article_id=claim.article_id)


def article_finish(*, article_id: int) -> None:
    """Fan-in: once every claim has its evidence, mark the article ready and queue its claims.

    Every evidence task calls this after committing its own claim, so the last one to finish
    always sees all claims done; the row lock makes sure only one of them does the hand-off.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state != State.GATHERING:
            return
        if article.claims.filter(evidence_state=Claim.EvidenceState.PENDING).exists():
            return
        article.state = State.READY
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "progressed_at", "updated_at"])
        hand_off_to_review(article_id=article_id)


def article_mark_failed(*, article_id: int, reason: str) -> None:
    """Record a final failure. Articles already finished are left alone."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in Article.WORKING_STATES:
            return
        article.state = State.FAILED
        article.last_error = reason[:2000]
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "last_error", "progressed_at", "updated_at"])
    logger.warning("article %s failed: %s", article_id, reason)


def pipeline_sweep_stuck() -> int:
    """Re-enqueue articles that stopped moving (lost message, dead worker); give up eventually.

    Returns how many articles were re-enqueued or failed.
    """
    cutoff = timezone.now() - conf().pipeline_stuck_after
    stuck_ids = list(
        Article.objects.filter(state__in=Article.WORKING_STATES, progressed_at__lt=cutoff)
        .order_by("progressed_at")
        .values_list("pk", flat=True)[:500]
    )
    for article_id in stuck_ids:
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            if article.state not in Article.WORKING_STATES or article.progressed_at >= cutoff:
                continue
            if article.attempts >= conf().pipeline_max_attempts:
                article.last_error = (
                    f"Gave up after {article.attempts} attempts: the article stopped moving "
                    f"while {article.get_state_display()}."
                )
                article.state = State.FAILED
            elif article.state == State.GATHERING:
                # Evidence tasks do not count starts (there is one per claim), so the sweeper
                # counts its own re-enqueues of this step towards the limit.
                article.attempts += 1
            article.progressed_at = timezone.now()
            article.save(
                update_fields=["state", "attempts", "last_error", "progressed_at", "updated_at"]
            )
            logger.info("sweeper re-enqueues article %s (%s)", article_id, article.state)
            enqueue_next_step(article)
    return len(stuck_ids)


def claim_article_id(*, claim_id: int) -> int | None:
    return Claim.objects.filter(pk=claim_id).values_list("article_id", flat=True).first()
