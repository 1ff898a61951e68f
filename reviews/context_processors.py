"""Template context every page gets: the header's unread-notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reviews import selectors


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications`, counted only when a template reads it (base.html, for a
    logged-in user): pages that never show it (public pages, the API) pay nothing, and a
    page that shows it pays one indexed COUNT however often it is read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: selectors.notifications_unread_count(user=user)
        )
    }
