"""Pieces every review service shares: row locking, the lease rule and the activity log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from core.errors import ApplicationError
from reviews import roles
from reviews.conf import conf
from reviews.models import Activity, ReviewItem


def lease_end(now: datetime) -> datetime:
    return now + timedelta(seconds=conf().lease_s)


def lock_item(item_id: int | None = None, *, claim_id: int | None = None) -> ReviewItem:
    """The review row (by its id or its claim's), locked for the rest of the transaction
    (call inside atomic)."""
    lookup = {"pk": item_id} if claim_id is None else {"claim_id": claim_id}
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("status", "verdict", "assignee")
        .filter(**lookup)
        .first()
    )
    if item is None:
        raise ApplicationError(
            f"No claim in the queue with id {item_id or claim_id}.", code="not_found", status=404
        )
    return item


def hold(item: ReviewItem, user: User, now: datetime) -> dict[str, list[Any]]:
    """Make `user` the holder of `item` for another lease period, or refuse if someone else
    holds it. Editors may act on claims others hold. Returns the assignee change, if any."""
    if item.held_by_other(user.pk, now) and not roles.has(user, roles.ASSIGN):
        assert item.assignee is not None  # noqa: S101 — held_by_other implies an assignee
        until = f" until {item.lease_expires_at:%H:%M} UTC" if item.lease_expires_at else ""
        raise ApplicationError(
            f"{item.assignee.get_username()} is working on this claim{until}. "
            "Take another one, or ask an editor to reassign it.",
            code="leased",
            status=409,
        )
    changes: dict[str, list[Any]] = {}
    if item.assignee_id != user.pk:
        before = item.assignee.get_username() if item.assignee else None
        changes["assignee"] = [before, user.get_username()]
        item.assignee = user
    item.lease_expires_at = lease_end(now)
    return changes


def log(item: ReviewItem, user: User | None, verb: str, changes: dict[str, list[Any]]) -> None:
    Activity.objects.create(claim_id=item.claim_id, actor=user, verb=verb, changes=changes)


def label(value: Any) -> Any:
    """How a field value is written into the activity log (names, not ids)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
