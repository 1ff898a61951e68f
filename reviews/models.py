"""The review queue: who is checking which claim, what they decided, and the trail of it."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from claims.models import Claim


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
        default=False, help_text="Claims in this status are public through the API."
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "statuses"

    def __str__(self) -> str:
        return self.name


class Verdict(models.Model):
    """A point on the team's rating scale (True … False, Unproven, Not check-worthy)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    colour = models.CharField(max_length=7, default="#6b7280")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewItem(models.Model):
    """One claim's place in the queue. `version` guards against silent overwrites."""

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
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    priority = models.FloatField(default=0.0, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-priority", "id"]
        indexes = [models.Index(fields=["status", "-priority", "id"])]

    def __str__(self) -> str:
        return f"Review of claim {self.claim_id}"


class Citation(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    url = models.URLField(max_length=2048)
    title = models.CharField(max_length=500, blank=True)
    quote = models.TextField(blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


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
