"""Who may manage webhooks: the one check every webhooks API view uses."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clients.scopes import has_scope

WEBHOOKS_MANAGE = "webhooks:manage"


class CanManageWebhooks(BasePermission):
    """A user holding the webhooks:manage scope, as every other API resource is checked
    (clients/scopes.py): an API key must carry it; a logged-in person has it through a
    reviewing role (fact-checker, editor, staff), and an account without one gets 403.

    Endpoints belong to a user, so a key without an owner cannot manage any.
    """

    message = f"This needs the {WEBHOOKS_MANAGE} scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            if has_scope(request, WEBHOOKS_MANAGE):  # an ownerless key with the scope
                self.message = "Webhook endpoints belong to a user: use a key with an owner."
            return False
        return has_scope(request, WEBHOOKS_MANAGE)
