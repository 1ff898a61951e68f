"""Reviewers' correction of the extractor: promote a sentence the model passed over."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from claims import ports
from claims.extraction import get_extractor
from claims.models import Article, ArticleSentence, Claim
from claims.services.feedback import checkworthiness_label_from_promotion
from claims.services.pipeline import claim_from_sentence
from claims.steps import enqueue_claim_evidence
from core.errors import ApplicationError


@transaction.atomic
def sentence_promote(*, sentence_id: int, user: User) -> Claim:
    """Make a claim of a considered sentence and put it in the review queue (idempotent)."""
    sentence = (
        ArticleSentence.objects.select_for_update(of=("self",))
        .select_related("article", "claim")
        .filter(pk=sentence_id)
        .first()
    )
    if sentence is None:
        raise ApplicationError(f"No sentence with id {sentence_id}.", code="not_found", status=404)
    if sentence.claim is not None:
        return sentence.claim
    article = sentence.article
    if article.state != Article.State.READY:
        raise ApplicationError(
            "Sentences can be promoted once the article is ready for review.",
            code="not_ready",
            status=409,
        )
    # Re-run the engine over the article for this sentence's attribution and rewrite, which
    # depend on the sentences around it.
    scored = next(
        s
        for s in get_extractor().extract(
            article.text, author=article.byline, outlet=article.outlet, language=article.language
        )
        if s.start == sentence.start
    )
    claim = claim_from_sentence(article, scored)
    claim.promoted_by = user
    claim.evidence_state = Claim.EvidenceState.PENDING
    claim.full_clean()
    claim.save()
    sentence.claim = claim
    sentence.save(update_fields=["claim"])
    checkworthiness_label_from_promotion(claim=claim, user=user)
    article.claims_total += 1
    article.save(update_fields=["claims_total", "updated_at"])
    ports.get_review_handoff()(article_id=article.pk)
    enqueue_claim_evidence([claim.pk])
    return claim
