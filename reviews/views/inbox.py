"""The inbox: a reviewer's notifications, marking them read, and the email switch."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from reviews import selectors
from reviews.forms import NotificationSettingsForm
from reviews.services import notifications as notification_services
from reviews.views.common import _user, reviewer_required

INBOX_PAGE_SIZE = 50


@reviewer_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        page_number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page_number = 1
    # As on the queue page: one row more than the page tells whether there is a next page.
    start = (page_number - 1) * INBOX_PAGE_SIZE
    rows = list(selectors.notifications_inbox(user=user)[start : start + INBOX_PAGE_SIZE + 1])
    context = {
        "notifications": rows[:INBOX_PAGE_SIZE],
        "page_number": page_number,
        "has_next": len(rows) > INBOX_PAGE_SIZE,
        "settings_form": NotificationSettingsForm(
            initial={"email": selectors.notification_email_enabled(user=user)}
        ),
        "has_email": bool(user.email),
    }
    return render(request, "reviews/inbox.html", context)


@reviewer_required
@require_GET
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to its claim, marking it read on the way (a GET, like any link:
    the only change is to the reader's own notification, and an email can link here)."""
    notification = notification_services.notification_mark_read(
        user=_user(request), notification_id=notification_id
    )
    if notification is None:
        return redirect("reviews:inbox")
    return redirect("reviews:claim", item_id=notification.item_id)


@reviewer_required
@require_POST
def inbox_mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_services.notification_mark_read(
        user=_user(request), notification_id=notification_id
    )
    return redirect("reviews:inbox")


@reviewer_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notification_services.notifications_mark_all_read(user=_user(request))
    messages.success(request, f"Marked {count} notification{'' if count == 1 else 's'} read.")
    return redirect("reviews:inbox")


@reviewer_required
@require_POST
def inbox_settings(request: HttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, never invalid
    email = bool(form.cleaned_data.get("email"))
    notification_services.notification_settings_set(user=_user(request), email=email)
    messages.success(request, "Email notifications on." if email else "Email notifications off.")
    return redirect("reviews:inbox")
