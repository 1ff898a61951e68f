"""API keys for partner integrations (newsrooms, platforms, researchers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# What a key may do. Sessions of logged-in staff get every scope (clients/scopes.py).
SCOPES = {
    "claims:read": "Read published claims, their citations and evidence, ClaimReview, changes",
    "claims:read_all": "Also unpublished claims, notes and reviewer names",
    "articles:write": "Submit articles and read their pipeline state",
    "webhooks:manage": "Register webhook endpoints and read their delivery log",
}


class ApiKey(models.Model):
    """Stored hashed: the key itself is shown once, when it is created."""

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'Partner newsroom CMS'")
    # The first characters of the key, kept in clear so a key can be found and recognised.
    prefix = models.CharField(max_length=12, unique=True)
    hashed_key = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Deleting the user deletes their keys: a key must not outlive the person it acts as.
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="Acts as this user (webhook endpoints belong to them).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
