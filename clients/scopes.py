"""What the caller of a request may do, whether they came with a key or a browser session."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from clients.models import SCOPES, ApiKey


def request_scopes(request: Request) -> frozenset[str]:
    """A key's scopes; for a logged-in person, every scope if they work the queue (fact-checkers,
    editors, staff), else read-only on published claims."""
    if isinstance(request.auth, ApiKey):
        scopes = set(request.auth.scopes)
        if "claims:read_all" in scopes:  # reading everything includes reading what is public
            scopes.add("claims:read")
        return frozenset(scopes)
    user = request.user
    if not user or not user.is_authenticated:
        return frozenset()
    if user.is_staff or user.has_perm("reviews.view_reviewitem"):
        return frozenset(SCOPES)
    return frozenset({"claims:read"})


def has_scope(request: Request, scope: str) -> bool:
    return scope in request_scopes(request)


class HasScope(permissions.BasePermission):
    """The view names what each method needs: `required_scopes = {"GET": "claims:read"}`.

    No credentials → 401 (with a WWW-Authenticate challenge); credentials without the scope
    → 403 naming the scope.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        scopes: dict[str, str] = getattr(view, "required_scopes", {})
        # HEAD runs the GET handler (status, ETag and length would tell what GET hides), and
        # OPTIONS describes the view: both need what GET needs.
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        needed = scopes.get(method or "")
        if needed is None and scopes:
            return False  # a view that names its scopes allows no other method
        if needed is None:
            return bool(request.user and request.user.is_authenticated) or isinstance(
                request.auth, ApiKey
            )
        if not request_scopes(request):
            return False
        if not has_scope(request, needed):
            self.message = f"This needs the {needed} scope."
            return False
        return True
