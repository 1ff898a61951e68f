"""Who may do what: the roles are Django groups ("Fact-checkers", "Editors") holding these
permissions; superusers hold all of them.

The checks live in the services, not only in templates, so every way in (pages, API, admin
actions, shell) enforces them.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from core.errors import ApplicationError

REVIEW = "reviews.change_reviewitem"
PUBLISH = "reviews.publish_reviewitem"
ASSIGN = "reviews.assign_reviewitem"

_ROLE_OF = {REVIEW: "fact-checker", PUBLISH: "editor", ASSIGN: "editor"}


def has(user: User, permission: str) -> bool:
    return user.is_active and user.has_perm(permission)


def require(user: User, permission: str, *, to: str) -> None:
    """Refuse with a 403 that names the missing role and the action."""
    if not has(user, permission):
        raise ApplicationError(
            f"You need the {_ROLE_OF[permission]} role to {to}.", code="forbidden", status=403
        )
