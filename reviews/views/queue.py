"""The queue page: the list and its counts, take next, bulk actions, saved views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from reviews import roles, selectors
from reviews.forms import BulkActionForm, SavedViewForm
from reviews.models import SavedView, Status, Tag, Verdict
from reviews.services import queue as queue_services
from reviews.views.common import QUEUE_PAGE_SIZE, _queue_filters, _user, reviewer_required


@reviewer_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, filters = _queue_filters(request.GET)
    items = selectors.queue_items(user=user, filters=filters)
    try:
        page_number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page_number = 1
    # No COUNT(*) over the whole filter: read one row more than the page to know if there is
    # a next page. The per-view counts come in a separate request (queue_counts).
    start = (page_number - 1) * QUEUE_PAGE_SIZE
    rows = list(items[start : start + QUEUE_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "items": rows[:QUEUE_PAGE_SIZE],
        "page_number": page_number,
        "has_next": len(rows) > QUEUE_PAGE_SIZE,
        "query": query.urlencode(),
        "form": form,
        "filters": filters,
        "view": request.GET.get("view", ""),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reviews/_queue_results.html", context)
    context.update(
        {
            "builtin_views": [(key, name) for key, (name, _) in selectors.BUILTIN_VIEWS.items()],
            "saved_views": SavedView.objects.filter(user=user),
            "statuses": Status.objects.all(),
            "verdicts": Verdict.objects.all(),
            "tags": Tag.objects.all(),
            "reviewers": User.objects.filter(is_active=True).order_by("username"),
            "is_editor": roles.has(user, roles.ASSIGN),
        }
    )
    return render(request, "reviews/queue.html", context)


@reviewer_required
@require_GET
def queue_counts(request: HttpRequest) -> HttpResponse:
    """The per-view counts of the queue page, swapped into it by HTMX (out of band)."""
    counts = selectors.view_counts(user=_user(request))
    keys = ["all", *selectors.BUILTIN_VIEWS]
    rows = [(key, counts.get(key, 0)) for key in keys] + [
        (f"status-{status.slug}", counts.get(status.slug, 0)) for status in Status.objects.all()
    ]
    return render(request, "reviews/_queue_counts.html", {"counts": rows})


@reviewer_required
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    try:
        item_id = queue_services.take_next(user=_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:queue")
    if item_id is None:
        messages.info(request, "Nothing left to take: every open claim is being worked on.")
        return redirect("reviews:queue")
    return redirect("reviews:claim", item_id=item_id)


# The fields of the bulk form a confirmation page carries over to the final submit.
_BULK_CARRIED = ("action", "status", "verdict", "tag", "assignee", "query")


def _bulk_confirm(
    request: HttpRequest,
    form: BulkActionForm,
    filters: selectors.QueueFilters,
    *,
    count: int,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """Ask before a bulk action over a whole filter, naming the count and the filter."""
    context = {
        "action": form.describe_action(),
        "count": count,
        "scope": filters.describe(),
        "carried": [(name, request.POST[name]) for name in _BULK_CARRIED if request.POST.get(name)],
        "back": f"{reverse('reviews:queue')}?{form.cleaned_data['query']}",
        "error": error,
    }
    return render(request, "reviews/bulk_confirm.html", context, status=status)


@reviewer_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions over ticked claims, or over all claims matching the filter on screen.

    The second kind takes two steps: the first shows how many claims the filter matches and
    asks; the second applies only if the filter still matches that many (else 409).
    """
    user = _user(request)
    form = BulkActionForm(request.POST)
    back = f"{reverse('reviews:queue')}?{request.POST.get('query', '')}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    _, filters = _queue_filters(QueryDict(data["query"]))
    if data["all_matching"] and data["expected_count"] is None:
        count = selectors.queue_items(user=user, filters=filters).count()
        return _bulk_confirm(request, form, filters, count=count)
    try:
        value = form.value()
        if data["action"] == "tag":
            value = queue_services.tag_for_name(value)
        if data["all_matching"]:
            outcome = queue_services.review_items_bulk_matching(
                user=user,
                filters=filters,
                expected_count=data["expected_count"],
                action=data["action"],
                value=value,
            )
        else:
            outcome = queue_services.review_items_bulk_apply(
                user=user, item_ids=data["ids"], action=data["action"], value=value
            )
    except ApplicationError as exc:
        if exc.code == "bulk_count_changed":
            count = exc.extra["count"]
            return _bulk_confirm(request, form, filters, count=count, error=exc.message, status=409)
        messages.error(request, exc.message)
        return redirect(back)
    if outcome.queued:
        messages.success(
            request,
            f"Applying to {outcome.queued} claims in the background; each claim's history "
            "shows the change when it is done.",
        )
    else:
        skipped = f"; {outcome.skipped} skipped (not allowed for them)" if outcome.skipped else ""
        plural = "" if outcome.done == 1 else "s"
        messages.success(request, f"Updated {outcome.done} claim{plural}{skipped}.")
    return redirect(back)


@reviewer_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        SavedView.objects.update_or_create(
            user=_user(request),
            name=form.cleaned_data["name"],
            defaults={"query": form.cleaned_data["query"]},
        )
        messages.success(request, f"Saved view “{form.cleaned_data['name']}”.")
    else:
        messages.error(request, "A saved view needs a name.")
    return redirect(f"{reverse('reviews:queue')}?{form.data.get('query', '')}")


@reviewer_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    SavedView.objects.filter(pk=view_id, user=_user(request)).delete()
    return redirect("reviews:queue")
