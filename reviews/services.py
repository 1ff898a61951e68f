"""Writes for the review queue: the pipeline hand-off, reviewer decisions, citations, notes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from claims.errors import ApplicationError
from claims.models import Article, Claim
from reviews.models import Activity, Citation, Note, ReviewItem, Status, Verdict


def _initial_status() -> Status:
    status = Status.objects.filter(is_initial=True).order_by("position").first()
    if status is None:
        raise ApplicationError(
            "No status is marked initial; mark one in the admin.", code="no_initial_status"
        )
    return status


def _priority(claim: Claim, article: Article) -> float:
    # First version: check-worthiness, nudged towards recent articles. Issue #6 makes it a
    # documented, configurable blend (recency, reach, trending matches).
    age_days = (timezone.now() - (article.published_at or article.created_at)).days
    return round(claim.checkworthiness - min(max(age_days, 0), 30) / 300, 4)


@transaction.atomic
def review_items_enqueue_for_article(*, article_id: int) -> int:
    """The pipeline's hand-off: put every claim of the article in the queue (idempotent)."""
    article = Article.objects.get(pk=article_id)
    status = _initial_status()
    claims = list(Claim.objects.filter(article=article, review__isnull=True))
    ReviewItem.objects.bulk_create(
        [ReviewItem(claim=c, status=status, priority=_priority(c, article)) for c in claims],
        ignore_conflicts=True,
    )
    Activity.objects.bulk_create(
        [Activity(claim=c, verb="queued", changes={"status": [None, status.name]}) for c in claims]
    )
    return len(claims)


def _label(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, str) else value


@transaction.atomic
def review_item_update(
    *,
    item_id: int,
    user: User,
    expected_version: int,
    status: Status | None = None,
    verdict: Verdict | None = None,
    explanation: str | None = None,
    clear_verdict: bool = False,
) -> ReviewItem:
    """Change status/verdict/explanation, refusing if someone saved a newer version first."""
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("status", "verdict")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise ApplicationError(f"No review item with id {item_id}.", code="not_found", status=404)
    if item.version != expected_version:
        raise ApplicationError(
            "Someone else saved this claim after you opened it. Reload to see their change.",
            code="conflict",
            status=409,
            extra={"current_version": item.version, "your_version": expected_version},
        )
    changes: dict[str, list[Any]] = {}
    new_verdict = None if clear_verdict else (verdict or item.verdict)
    for field, new in (
        ("status", status or item.status),
        ("verdict", new_verdict),
        ("explanation", item.explanation if explanation is None else explanation),
    ):
        old = getattr(item, field)
        if old != new:
            changes[field] = [_label(old), _label(new)]
            setattr(item, field, new)
    if not changes:
        return item
    item.version += 1
    if item.assignee_id is None:
        item.assignee = user
    item.full_clean()
    item.save()
    Activity.objects.create(claim_id=item.claim_id, actor=user, verb="updated", changes=changes)
    return item


@transaction.atomic
def citation_add(
    *, claim_id: int, user: User, url: str, title: str = "", quote: str = ""
) -> Citation:
    citation = Citation(
        claim_id=claim_id, url=url.strip(), title=title.strip(), quote=quote.strip(), added_by=user
    )
    if not citation.url.lower().startswith(("http://", "https://")):
        raise ApplicationError(
            "Citation URLs must start with http:// or https://.", code="invalid_url"
        )
    citation.full_clean()
    citation.save()
    Activity.objects.create(
        claim_id=claim_id, actor=user, verb="cited", changes={"citation": [None, citation.url]}
    )
    return citation


@transaction.atomic
def note_add(*, claim_id: int, user: User, body: str) -> Note:
    if not body.strip():
        raise ApplicationError("A note cannot be empty.", code="empty")
    note = Note(claim_id=claim_id, author=user, body=body.strip())
    note.full_clean()
    note.save()
    Activity.objects.create(claim_id=claim_id, actor=user, verb="noted", changes={})
    return note
