"""What every workspace page shares: who may see it, the user, the queue filters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, QueryDict

from reviews import selectors
from reviews.forms import QueueFilterForm

QUEUE_PAGE_SIZE = 50


def reviewer_required(view: Any) -> Any:
    """Logged in, and in a reviewing role: the workspace shows unpublished claims, notes and
    who did what, which other accounts (e.g. API-only users) must not see."""
    return login_required(
        permission_required("reviews.view_reviewitem", raise_exception=True)(view)
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — login_required guarantees a real user
    return user


def _queue_filters(params: QueryDict) -> tuple[QueueFilterForm, selectors.QueueFilters]:
    """The filter form over `params`, and the filters it accepted on top of a built-in view."""
    view = params.get("view", "")
    base = selectors.BUILTIN_VIEWS[view][1] if view in selectors.BUILTIN_VIEWS else None
    form = QueueFilterForm(params)
    return form, form.filters(base)
