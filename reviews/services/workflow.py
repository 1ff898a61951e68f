"""Reviewer decisions: status, verdict and explanation, under the team's workflow rules.

Rules, in the order they are checked:
1. versions: a save based on an older version is refused (409) with both versions to compare;
2. leases: only the holder (or an editor) may change a claim someone holds;
3. locking: a published claim's verdict, explanation and citations stay as published until an
   editor reopens it (moves it out of the published status, which is logged);
4. transitions: only to a status listed in the current status's `allowed_next` (if any);
5. roles: statuses marked `requires_editor` (Published by default) need the editor role, and
   with CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON the editor cannot be the person who set the
   verdict.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from claims.services.feedback import checkworthiness_label_from_verdict
from claims.services.matching import match_candidates_changed
from core.errors import ApplicationError
from reviews import roles
from reviews.conf import conf
from reviews.models import Activity, ReviewItem, Status, Verdict
from reviews.services.common import hold, label, lock_item, log
from reviews.services.notifications import (
    SECOND_REVIEW_STATUS,
    notify_publication,
    notify_second_review,
)
from reviews.services.publication import publication_change_record, publication_event_for

_UNSET: Any = object()


def _check_transition(item: ReviewItem, target: Status, user: User) -> None:
    allowed = list(item.status.allowed_next.all())
    if allowed and target not in allowed:
        names = ", ".join(s.name for s in allowed)
        raise ApplicationError(
            f"A claim cannot move from {item.status.name} to {target.name}. "
            f"From {item.status.name} it can move to: {names}.",
            code="transition_not_allowed",
        )
    if target.requires_editor:
        roles.require(user, roles.PUBLISH, to=f"move a claim to {target.name}")
    if item.status.is_published:
        roles.require(user, roles.PUBLISH, to="reopen a published claim")


def _check_publish(item: ReviewItem, user: User) -> None:
    if item.verdict is None:
        raise ApplicationError("Set a verdict before publishing.", code="verdict_required")
    if item.decided_by_id is None:  # e.g. a verdict carried over from a matching claim
        raise ApplicationError(
            "A reviewer must confirm the verdict (save it) before publishing.",
            code="verdict_unconfirmed",
        )
    if conf().publish_requires_second_person and item.decided_by_id == user.pk:
        raise ApplicationError(
            "Another editor must publish this claim: you set its verdict or explanation.",
            code="second_person_required",
            status=403,
        )


def ensure_not_locked(item: ReviewItem, what: str) -> None:
    if item.status.is_published:
        raise ApplicationError(
            f"This claim is published: its {what} are locked. An editor can reopen it.",
            code="locked",
            status=409,
        )


@transaction.atomic
def review_item_update(
    *,
    item_id: int,
    user: User,
    expected_version: int,
    status: Status | None = None,
    verdict: Verdict | None = _UNSET,
    explanation: str | None = None,
    release: bool = False,
) -> ReviewItem:
    """Change status, verdict (None clears it; omit to keep) and explanation in one step.

    `release=True` hands the claim over: the reviewer's lease ends with the save.
    """
    roles.require(user, roles.REVIEW, to="review claims")
    item = lock_item(item_id)
    if item.version != expected_version:
        raise ApplicationError(
            "Someone else saved this claim after you opened it. Reload to see their change.",
            code="conflict",
            status=409,
            extra={"current_version": item.version, "your_version": expected_version},
        )
    now = timezone.now()
    decided_by_before = item.decided_by_id  # whose verdict a publish or reopen concerns
    # Changes `item` in memory only; nothing is saved unless the update goes through.
    changes = hold(item, user, now)
    new_verdict = item.verdict if verdict is _UNSET else verdict
    new_explanation = item.explanation if explanation is None else explanation.strip()
    decided = new_verdict != item.verdict or new_explanation != item.explanation
    # A claim with a verdict is one that new claims are matched with (selectors.claims_reviewed).
    reviewed_changed = (new_verdict is None) != (item.verdict is None)
    verdict_changed = new_verdict != item.verdict
    moving = status is not None and status != item.status
    if decided and not (moving and item.status.is_published):
        ensure_not_locked(item, "verdict and explanation")
    if decided:
        for field, before, after in (
            ("verdict", label(item.verdict), label(new_verdict)),
            ("explanation", item.explanation, new_explanation),
        ):
            if before != after:
                changes[field] = [before, after]
        item.verdict, item.explanation, item.decided_by = new_verdict, new_explanation, user
    verb = "updated"
    if moving:
        assert status is not None  # noqa: S101 — narrowed by `moving`
        _check_transition(item, status, user)
        if item.status.is_published:
            verb = "reopened"
            item.published_at = None
        if status.is_published:
            _check_publish(item, user)
            verb = "published"
            item.published_at, item.published_by = now, user
        changes["status"] = [item.status.name, status.name]
        item.status, item.in_take_next, item.status_changed_at = status, status.in_take_next, now
    if not (decided or moving or release):
        return item
    if release or item.status.is_published:  # publishing ends the work on a claim
        item.assignee, item.lease_expires_at = None, None
        changes["assignee"] = [changes.get("assignee", [user.get_username()])[0], None]
    item.version += 1
    item.full_clean(exclude=["claim"])
    item.save()
    log(item, user, verb, changes)
    if reviewed_changed:
        match_candidates_changed(claim_ids=[item.claim_id])
    if verdict_changed:  # every decision is a label the check-worthiness model learns from
        checkworthiness_label_from_verdict(
            claim_id=item.claim_id,
            checkworthy=None
            if new_verdict is None
            else new_verdict.slug != Verdict.NOT_CHECKWORTHY,
            user=user,
        )
    if verb in ("published", "reopened"):
        event = publication_event_for(claim_id=item.claim_id, publishing=verb == "published")
        publication_change_record(claim_id=item.claim_id, event=event)
        notify_publication(
            item=item, actor=user, decided_by_id=decided_by_before, published=verb == "published"
        )
    if moving and item.status.slug == SECOND_REVIEW_STATUS:
        notify_second_review(item=item, actor=user)
    return item


@transaction.atomic
def status_delete(*, status_id: int, move_to: Status | None, user: User) -> int:
    """Delete a workflow status; claims in it move to `move_to` first (logged per claim)."""
    roles.require(user, roles.ASSIGN, to="change the workflow")
    status = Status.objects.select_for_update().get(pk=status_id)
    items = ReviewItem.objects.filter(status=status)
    count = items.count()
    if count and move_to is None:
        raise ApplicationError(
            f"{count} claims are in {status.name}. Choose a status to move them to.",
            code="status_in_use",
            extra={"claims": count},
        )
    if move_to is not None and move_to.pk == status.pk:
        raise ApplicationError("Move the claims to a different status.", code="invalid_target")
    if count and move_to is not None and (status.is_published or move_to.is_published):
        # Publishing and unpublishing go claim by claim (verdict, second person, the changes
        # feed, webhooks), never as a side effect of tidying the workflow.
        raise ApplicationError(
            "Claims cannot be moved into or out of a published status this way; reopen or "
            "publish them one by one.",
            code="invalid_target",
        )
    if count:
        assert move_to is not None  # noqa: S101 — checked above
        claim_ids = list(items.values_list("claim_id", flat=True))
        items.update(
            status=move_to, in_take_next=move_to.in_take_next, status_changed_at=timezone.now()
        )
        Activity.objects.bulk_create(
            [
                Activity(
                    claim_id=claim_id,
                    actor=user,
                    verb="moved",
                    changes={"status": [status.name, move_to.name]},
                )
                for claim_id in claim_ids
            ]
        )
    status.delete()
    return count


@transaction.atomic
def status_set_take_next(*, status: Status, in_take_next: bool) -> None:
    """Keep the queue's take-next flag in step when a status is switched on or off."""
    Status.objects.filter(pk=status.pk).update(in_take_next=in_take_next)
    ReviewItem.objects.filter(status=status).update(in_take_next=in_take_next)
