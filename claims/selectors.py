"""Reads for articles and their pipeline progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet

from claims.models import (
    Article,
    ArticleSentence,
    CheckworthinessLabel,
    CheckworthinessModelVersion,
    Claim,
)


@dataclass(frozen=True)
class ArticleProgress:
    state: str
    label: str  # what a person reads: "gathering evidence (3/7)", "failed: reason"
    claims_total: int
    claims_with_evidence: int


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.filter(pk=article_id).first()


_EVIDENCE_DONE = ~Q(claims__evidence_state=Claim.EvidenceState.PENDING)


def articles_with_progress() -> QuerySet[Article]:
    """Articles newest first, with what `article_progress` needs counted in the same query."""
    return Article.objects.annotate(
        n_claims=Count("claims"),
        n_claims_with_evidence=Count("claims", filter=_EVIDENCE_DONE),
    ).order_by("-created_at", "-id")


def article_with_progress(*, article_id: int) -> Article | None:
    """One article, counted like an `articles_with_progress` row (its progress costs no query)."""
    return articles_with_progress().filter(pk=article_id).first()


def article_claim_spans(*, article_id: int) -> list[Claim]:
    """The article's claims in text order, with just what locating them in the text needs."""
    return list(
        Claim.objects.filter(article_id=article_id)
        .only("id", "article_id", "text", "sentence_start", "sentence_end")
        .order_by("sentence_start", "id")
    )


def article_sentences(*, article_id: int) -> list[ArticleSentence]:
    """Every sentence the extractor considered in the article, in text order."""
    return list(ArticleSentence.objects.filter(article_id=article_id).order_by("start"))


def article_sentence_get(*, article_id: int, sentence_id: int) -> ArticleSentence | None:
    return ArticleSentence.objects.filter(pk=sentence_id, article_id=article_id).first()


def article_progress(*, article: Article) -> ArticleProgress:
    """Where the article is, for people. Rows from `articles_with_progress` cost no query."""
    done = getattr(article, "n_claims_with_evidence", None)
    if done is None:
        done = article.claims.exclude(evidence_state=Claim.EvidenceState.PENDING).count()
    label = article.get_state_display()
    if article.state == Article.State.GATHERING:
        label = f"{label} ({done}/{article.claims_total})"
    elif article.state == Article.State.FAILED and article.last_error:
        label = f"{label}: {article.last_error}"
    elif article.state == Article.State.DUPLICATE and article.duplicate_of_id:
        label = f"{label} of article {article.duplicate_of_id}"
    return ArticleProgress(
        state=article.state,
        label=label,
        claims_total=article.claims_total,
        claims_with_evidence=done,
    )


def claims_with_evidence() -> QuerySet[Claim]:
    """Claims whose evidence step is over: the default pool for claim matching until the
    review app registers its own (claims.ports.register_match_candidates)."""
    return Claim.objects.exclude(evidence_state=Claim.EvidenceState.PENDING)


def article_counts_by_state() -> dict[str, int]:
    """How many articles are in each state (every state, zeros included): one grouped count."""
    counts = dict(Article.objects.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in Article.State.values}


def article_oldest_progress(*, states: Iterable[str]) -> datetime | None:
    """When the article in `states` that has gone longest without moving last moved."""
    oldest: datetime | None = Article.objects.filter(state__in=list(states)).aggregate(
        at=Min("progressed_at")
    )["at"]
    return oldest


def checkworthiness_active_version() -> tuple[int, str] | None:
    """(id, name) of the active retrained check-worthiness model; None: the shipped file."""
    return (
        CheckworthinessModelVersion.objects.filter(is_active=True).values_list("pk", "name").first()
    )


def checkworthiness_version_artifact(*, version_id: int) -> tuple[str, bytes] | None:
    row = (
        CheckworthinessModelVersion.objects.filter(pk=version_id, state="ready")
        .values_list("name", "artifact")
        .first()
    )
    if row is None or row[1] is None:
        return None
    return row[0], bytes(row[1])


def checkworthiness_labels() -> list[tuple[str, bool]]:
    """Every reviewer label, (sentence, check-worthy), oldest first: retraining's feedback."""
    return list(CheckworthinessLabel.objects.order_by("pk").values_list("text", "checkworthy"))


def checkworthiness_labels_since_last_version() -> int:
    """Labels new or changed since the last version was trained (all of them before any)."""
    last = CheckworthinessModelVersion.objects.order_by("-created_at").first()
    labels = CheckworthinessLabel.objects.all()
    if last is not None:
        labels = labels.filter(updated_at__gt=last.created_at)
    return labels.count()
