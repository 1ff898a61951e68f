"""The review queue: who is checking which claim, what they decided, and the trail of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from claims.models import Claim
from core.validators import validate_web_uri


class Status(models.Model):
    """A workflow step. Data, not code: a team renames, adds and recolours them."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    colour = models.CharField(max_length=7, default="#6b7280", help_text="CSS hex colour")
    position = models.PositiveSmallIntegerField(default=0)
    is_initial = models.BooleanField(
        default=False, help_text="New claims enter the queue in this status."
    )
    is_published = models.BooleanField(
        default=False,
        help_text="Claims in this status are public; their verdict, explanation and citations "
        "are locked until an editor reopens them.",
    )
    in_take_next = models.BooleanField(
        default=False, help_text="'Take next' hands out unassigned claims in this status."
    )
    requires_editor = models.BooleanField(
        default=False, help_text="Only editors may move a claim into this status."
    )
    allowed_next = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="allowed_previous",
        help_text="Statuses a claim may move to from this one. Leave empty to allow any.",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "statuses"

    def __str__(self) -> str:
        return self.name


class Verdict(models.Model):
    """A point on the team's rating scale (True … False, Unproven, Not check-worthy)."""

    # The verdict that says the queue should not have held the claim (migration 0002): a
    # negative label for the check-worthiness model, and what queue precision counts.
    NOT_CHECKWORTHY = "not-check-worthy"

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    colour = models.CharField(max_length=7, default="#6b7280")
    position = models.PositiveSmallIntegerField(default=0)
    # ClaimReview's reviewRating.ratingValue, between CLAIMDESK_RATING_WORST and _BEST; empty
    # for verdicts off the scale (Unproven): then only the verdict's name is published.
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReviewItem(models.Model):
    """One claim's place in the queue. `version` guards against silent overwrites.

    `assignee` + `lease_expires_at` is the lease: a reviewer holds the claim until the lease
    runs out (each action renews it); the sweeper then returns it to the queue.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="review")
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="items")
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    explanation = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_items",
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    priority = models.FloatField(default=0.0, db_index=True)
    # Mirrors status.in_take_next (kept in step by the services) so that take next reads one
    # small partial index instead of joining the status table across a million rows.
    in_take_next = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    # Who last set the verdict or explanation: publishing needs someone else (an editor).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-priority", "id"]
        indexes = [
            models.Index(fields=["status", "-priority", "id"]),
            # Take next reads the head of this partial index: one short index walk however
            # long the queue grows (rows held under SKIP LOCKED are stepped over).
            models.Index(
                fields=["-priority", "id"],
                condition=models.Q(assignee__isnull=True, in_take_next=True),
                name="review_take_next_idx",
            ),
            models.Index(fields=["assignee", "-priority", "id"]),
        ]
        permissions = [
            ("publish_reviewitem", "Can publish and reopen claims (editor)"),
            ("assign_reviewitem", "Can assign claims to others and act on their leases"),
        ]

    def __str__(self) -> str:
        return f"Review of claim {self.claim_id}"

    def held_by_other(self, user_id: int, now: datetime) -> bool:
        """Someone else holds this claim: assigned to them, with a lease still running (or
        no expiry at all: an explicit assignment)."""
        if self.assignee_id is None or self.assignee_id == user_id:
            return False
        return self.lease_expires_at is None or self.lease_expires_at > now


class Citation(models.Model):
    class FetchState(models.TextChoices):
        PENDING = "pending", "fetching title"
        DONE = "done", "fetched"
        FAILED = "failed", "could not fetch"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    url = models.URLField(max_length=2048, validators=[validate_web_uri])
    title = models.CharField(max_length=500, blank=True)
    quote = models.TextField(blank=True)
    # Filled in the background from the page itself (SSRF-guarded fetch).
    publisher = models.CharField(max_length=300, blank=True)
    snapshot = models.TextField(blank=True, help_text="The page's text when it was cited.")
    fetch_state = models.CharField(
        max_length=10, choices=FetchState.choices, default=FetchState.PENDING
    )
    fetch_error = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title or self.url


class Note(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


class SavedView(models.Model):
    """A reviewer's named queue filter (the query string of the queue page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet["Activity"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The activity log is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("The activity log is append-only.")


class Activity(models.Model):
    """Append-only trail: who did what to a claim, with the values before and after."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40)
    # {"field": [before, after], ...}; empty for events without a field change.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.verb} on claim {self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The activity log is append-only.")


class PublicationChange(models.Model):
    """The changes feed: one row per change clients can see, in commit order.

    `seq` is assigned under a lock held until commit (services/publication.py), so a reader
    that has seen seq N has seen every change before it: incremental sync never misses or
    repeats one, whatever commits concurrently.
    """

    class Event(models.TextChoices):
        PUBLISHED = "claim.published"
        UPDATED = "claim.updated"
        UNPUBLISHED = "claim.unpublished"

    seq = models.PositiveBigIntegerField(unique=True)
    event = models.CharField(max_length=30, choices=Event.choices)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq} {self.event} claim {self.claim_id}"


class Notification(models.Model):
    """Something that happened to a reviewer's work, for their inbox (and, if they asked for
    it, their email). Written after the action commits (services/notifications.py)."""

    class Kind(models.TextChoices):
        MENTION = "mention", "mentioned you"
        ASSIGNED = "assigned", "assigned to you"
        SECOND_REVIEW = "second_review", "needs a second review"
        PUBLISHED = "published", "published your claim"
        REOPENED = "reopened", "reopened your claim"
        CITATION_FAILED = "citation_failed", "citation fetch failed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Empty for the system's own events (a background fetch that failed).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the email went out: the email task is safe to run twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox: one person's newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The header's unread count on every page: a COUNT over this small partial index.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationSettings(models.Model):
    """A reviewer's delivery choices. No row means the defaults (email off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.BooleanField(
        default=False, help_text="Also send each notification by email (to the account's address)."
    )

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user_id}"
