"""Who may manage webhooks: the one check every webhooks API view uses."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class HasScope(BasePermission):
    """An authenticated caller whose credentials carry `scope`.

    Session and basic auth carry no scopes (`request.auth` has no `scopes`): such users are
    allowed. Credentials that do have scopes (API keys) must include this one.
    """

    scope: str

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        scopes = getattr(request.auth, "scopes", None)
        return scopes is None or self.scope in scopes


class CanManageWebhooks(HasScope):
    scope = "webhooks:manage"
