"""Notifications: who hears about what happened to their work, in the inbox and by email.

What notifies whom (never the person who acted, never an inactive account):
- a note's `@username` mentions: each person mentioned;
- an editor assigns a claim (`review_item_assign`, single or bulk): the new assignee;
- a claim moves to "Needs second review" (SECOND_REVIEW_STATUS): every active member of the
  Fact-checkers group (REVIEWERS_GROUP), who could take the second review. A hand-over to a
  named person is an assignment, above;
- a claim is published or reopened: whoever set its verdict (`decided_by`, as it was before
  the change: the person whose decision went out or came back);
- a citation's page could not be fetched: whoever added the citation.

Rows are written once the action's transaction commits (`transaction.on_commit`): a
rolled-back action notifies no one, and an inbox write never holds the claim's row lock.
Email goes out from the `reviews.notification_email` task, one per notification, for people
who switched it on (off by default: NotificationSettings).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.tasks import enqueue_on_commit
from reviews.models import Citation, Notification, NotificationSettings, ReviewItem
from reviews.services.publication import api_url

REVIEWERS_GROUP = "Fact-checkers"
# Statuses are data (a team renames them); the slug is what the default workflow ships.
SECOND_REVIEW_STATUS = "needs-second-review"
EXCERPT_CHARS = 80


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notify(
    *,
    recipients: Iterable[User | int],
    actor: User | None,
    kind: str,
    item_id: int,
    text: str,
) -> None:
    """Notify `recipients` (users or ids) once the current transaction commits."""
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    if actor is not None:  # never for one's own action
        ids.discard(actor.pk)
    if not ids:
        return
    transaction.on_commit(
        partial(
            _deliver,
            recipient_ids=sorted(ids),
            actor_id=actor.pk if actor is not None else None,
            kind=kind,
            item_id=item_id,
            text=text,
        )
    )


@transaction.atomic
def _deliver(
    *, recipient_ids: list[int], actor_id: int | None, kind: str, item_id: int, text: str
) -> list[Notification]:
    active = list(
        User.objects.filter(pk__in=recipient_ids, is_active=True).values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = []
    for recipient_id in active:
        notification = Notification(
            recipient_id=recipient_id,
            actor_id=actor_id,
            kind=kind,
            item_id=item_id,
            text=text[:500],
            created_at=now,
        )
        notification.full_clean(exclude=["recipient", "actor", "item"])
        rows.append(notification)
    created = Notification.objects.bulk_create(rows)
    emailed = set(
        NotificationSettings.objects.filter(user_id__in=active, email=True).values_list(
            "user_id", flat=True
        )
    )
    for notification in created:
        if notification.recipient_id in emailed:
            enqueue_on_commit("reviews.notification_email", notification_id=notification.pk)
    return created


def _claim_label(item: ReviewItem) -> str:
    return f"claim #{item.claim_id} “{excerpt(item.claim.text)}”"


def notify_mentions(
    *, item: ReviewItem, author: User, mentioned: Iterable[User], body: str
) -> None:
    notify(
        recipients=mentioned,
        actor=author,
        kind=Notification.Kind.MENTION,
        item_id=item.pk,
        text=f"{author.get_username()} mentioned you on {_claim_label(item)}: “{excerpt(body)}”",
    )


def notify_assigned(*, item: ReviewItem, actor: User, assignee: User) -> None:
    notify(
        recipients=[assignee],
        actor=actor,
        kind=Notification.Kind.ASSIGNED,
        item_id=item.pk,
        text=f"{actor.get_username()} assigned you {_claim_label(item)}",
    )


def notify_second_review(*, item: ReviewItem, actor: User) -> None:
    reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP, is_active=True).values_list(
        "pk", flat=True
    )
    notify(
        recipients=list(reviewers),
        actor=actor,
        kind=Notification.Kind.SECOND_REVIEW,
        item_id=item.pk,
        text=f"{actor.get_username()} asks for a second review of {_claim_label(item)}",
    )


def notify_publication(
    *, item: ReviewItem, actor: User, decided_by_id: int | None, published: bool
) -> None:
    if decided_by_id is None:
        return
    verb = "published" if published else "reopened"
    notify(
        recipients=[decided_by_id],
        actor=actor,
        kind=Notification.Kind.PUBLISHED if published else Notification.Kind.REOPENED,
        item_id=item.pk,
        text=f"{actor.get_username()} {verb} your verdict on {_claim_label(item)}",
    )


def notify_citation_failed(*, citation_id: int) -> None:
    citation = Citation.objects.select_related("claim").get(pk=citation_id)
    item_id = ReviewItem.objects.filter(claim_id=citation.claim_id).values_list("pk", flat=True)
    if citation.added_by_id is None or not item_id:
        return
    notify(
        recipients=[citation.added_by_id],
        actor=None,
        kind=Notification.Kind.CITATION_FAILED,
        item_id=item_id[0],
        text=(
            f"Could not fetch your citation {excerpt(citation.url)} on claim "
            f"#{citation.claim_id}: {excerpt(citation.fetch_error)}"
        ),
    )


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of `user`'s notifications read (someone else's: None, nothing changes)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_settings_set(*, user: User, email: bool) -> NotificationSettings:
    settings, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return settings


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient (safe to run twice: sent at most once).

    Checked again here, not only when it was queued: the person may have switched email off
    or removed their address since.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        wants = NotificationSettings.objects.filter(user=recipient, email=True).exists()
        if not (wants and recipient.email and recipient.is_active):
            return False
        link = api_url(reverse("reviews:inbox-open", args=[notification.pk]))
        send_mail(
            subject=f"[ClaimDesk] {excerpt(notification.text, 120)}",
            message=f"{notification.text}\n\nOpen it: {link}\n\n"
            "You get these emails because you switched them on in your ClaimDesk inbox.",
            from_email=None,
            recipient_list=[recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
