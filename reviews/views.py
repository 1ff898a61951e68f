"""Reviewer pages: queue, take next, claim page, dashboard. Thin: forms in, services and
selectors, templates out. HTMX requests get the same views (partials where it saves work)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.selectors import article_progress, articles_with_progress
from core.errors import ApplicationError
from reviews import roles, selectors
from reviews.forms import (
    BulkActionForm,
    CitationForm,
    NoteForm,
    QueueFilterForm,
    ReviewUpdateForm,
    SavedViewForm,
)
from reviews.models import ReviewItem, SavedView, Status, Tag, Verdict
from reviews.services import citations, workflow
from reviews.services import queue as queue_services
from reviews.streaming import csv_line_writer

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


def _bars(rows: list[tuple[str, int, str, str]]) -> list[dict[str, Any]]:
    """(label, count, colour, link) rows as bars scaled to the largest count."""
    largest = max((n for _, n, _, _ in rows), default=0) or 1
    return [
        {"label": label, "count": n, "pct": round(100 * n / largest), "colour": colour, "url": url}
        for label, n, colour, url in rows
    ]


@reviewer_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    stats = selectors.dashboard()
    queue_url = reverse("reviews:queue")
    charts = [
        (
            "Backlog by status",
            _bars(
                [(s.name, n, s.colour, f"{queue_url}?status={s.slug}") for s, n in stats.backlog]
            ),
        ),
        (
            "Claims decided per day",
            _bars([(f"{day:%a %d %b}", n, "", "") for day, n in stats.reviewed_per_day]),
        ),
        (
            "Verdicts of published claims",
            _bars([(v.name, n, v.colour, "") for v, n in stats.verdicts]),
        ),
    ]
    return render(request, "reviews/dashboard.html", {"stats": stats, "charts": charts})


@reviewer_required
def articles(request: HttpRequest) -> HttpResponse:
    page = Paginator(articles_with_progress(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(article, article_progress(article=article)) for article in page]
    return render(request, "reviews/articles.html", {"page": page, "rows": rows})


def _neighbours(item: ReviewItem) -> tuple[int | None, int | None]:
    """The claims before and after this one in the default queue order (for j/k)."""
    after = Q(priority__lt=item.priority) | Q(priority=item.priority, pk__gt=item.pk)
    before = Q(priority__gt=item.priority) | Q(priority=item.priority, pk__lt=item.pk)
    open_ = ReviewItem.objects.filter(status__is_published=False)
    nxt = open_.filter(after).order_by("-priority", "id").values_list("pk", flat=True).first()
    prev = open_.filter(before).order_by("priority", "-id").values_list("pk", flat=True).first()
    return prev, nxt


def _claim_action(
    request: HttpRequest, item: ReviewItem
) -> tuple[HttpResponse | None, dict[str, Any]]:
    """Run the posted action. Returns a redirect on success, or forms to show again."""
    user = _user(request)
    action = request.POST.get("action")
    bound: dict[str, Any] = {}
    form: forms.Form
    if action == "update":
        form = ReviewUpdateForm(request.POST)
        bound["update_form"] = form
        if form.is_valid():
            data = form.cleaned_data
            workflow.review_item_update(
                item_id=item.pk,
                user=user,
                expected_version=data["version"],
                status=data["status"],
                verdict=data["verdict"],
                explanation=data["explanation"],
                release="handover" in request.POST,
            )
            messages.success(
                request, "Saved and handed over." if "handover" in request.POST else "Saved."
            )
            return redirect("reviews:claim", item_id=item.pk), bound
    elif action == "cite":
        form = CitationForm(request.POST)
        bound["citation_form"] = form
        if form.is_valid():
            citations.citation_add(claim_id=item.claim_id, user=user, **form.cleaned_data)
            messages.success(request, "Citation added; its title and text are being fetched.")
            return redirect("reviews:claim", item_id=item.pk), bound
    elif action == "note":
        form = NoteForm(request.POST)
        bound["note_form"] = form
        if form.is_valid():
            citations.note_add(claim_id=item.claim_id, user=user, body=form.cleaned_data["body"])
            return redirect("reviews:claim", item_id=item.pk), bound
    elif action == "release":
        queue_services.review_item_release(item_id=item.pk, user=user)
        messages.success(request, "Released: the claim is back in the queue.")
        return redirect("reviews:queue"), bound
    elif action == "renew":
        queue_services.review_item_renew(item_id=item.pk, user=user)
        messages.success(request, "You hold this claim for another lease period.")
        return redirect("reviews:claim", item_id=item.pk), bound
    elif action == "assign":
        username = request.POST.get("assignee", "")
        assignee = User.objects.filter(username=username).first() if username else None
        if username and assignee is None:
            raise ApplicationError(f"No user named {username}.", code="invalid_assignee")
        queue_services.review_item_assign(item_id=item.pk, user=user, assignee=assignee)
        messages.success(request, "Assignment saved.")
        return redirect("reviews:claim", item_id=item.pk), bound
    else:
        raise ApplicationError("Unknown action.", code="invalid_action")
    return None, bound


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_detail(item_id=item_id)
    if item is None:
        raise Http404("No such claim in the queue.")
    user = _user(request)
    statuses = selectors.allowed_statuses(item=item)
    bound: dict[str, Any] = {}
    conflict = None
    http_status = 200
    if request.method == "POST":
        try:
            response, bound = _claim_action(request, item)
            if response is not None:
                return response
            http_status = 400  # a form was invalid: show it again with its errors
        except ApplicationError as exc:
            http_status = exc.status
            if exc.code == "conflict":
                conflict = {"message": exc.message, "mine": request.POST, "theirs": item}
            else:
                messages.error(request, exc.message)
    bound.setdefault(
        "update_form",
        ReviewUpdateForm(
            initial={
                "version": item.version,
                "status": item.status,
                "verdict": item.verdict,
                "explanation": item.explanation,
            },
            statuses=statuses,
        ),
    )
    bound.setdefault("citation_form", CitationForm())
    bound.setdefault("note_form", NoteForm())
    claim, article = item.claim, item.claim.article
    prev_id, next_id = _neighbours(item)
    now = timezone.now()
    context = {
        **bound,
        "item": item,
        "claim": claim,
        "article": article,
        "before": article.text[max(0, claim.sentence_start - 400) : claim.sentence_start],
        "after": article.text[claim.sentence_end : claim.sentence_end + 400],
        "conflict": conflict,
        "similar": selectors.similar_reviewed(claim=claim),
        "prev_id": prev_id,
        "next_id": next_id,
        "holding": item.assignee_id == user.pk,
        "held_by_other": item.held_by_other(user.pk, now),
        "locked": item.status.is_published,
        "is_editor": roles.has(user, roles.ASSIGN),
        "reviewers": User.objects.filter(is_active=True).order_by("username")
        if roles.has(user, roles.ASSIGN)
        else [],
    }
    return render(request, "reviews/claim_detail.html", context, status=http_status)


@reviewer_required
@require_GET
def claim_history_export(request: HttpRequest, item_id: int, fmt: str) -> HttpResponseBase:
    """The claim's full trail as CSV or JSON Lines (one event per row)."""
    if fmt not in ("csv", "jsonl"):
        raise Http404("History exports as .csv or .jsonl.")
    item = ReviewItem.objects.filter(pk=item_id).only("claim_id").first()
    if item is None:
        raise Http404("No such claim in the queue.")
    events = item.claim.activity.select_related("actor").order_by("created_at", "id")
    rows = (
        {
            "at": event.created_at.isoformat(),
            "actor": event.actor.get_username() if event.actor else "pipeline",
            "verb": event.verb,
            "changes": event.changes,
        }
        for event in events.iterator()
    )
    if fmt == "jsonl":
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    else:
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="claim-{item.claim_id}-history.{fmt}"'
    return response


def _csv_lines(rows: Any) -> Any:
    writer = csv_line_writer()
    yield writer.writerow(["at", "actor", "verb", "field", "before", "after"])
    for row in rows:
        for field, (before, after) in (row["changes"] or {"": [None, None]}).items():
            yield writer.writerow([row["at"], row["actor"], row["verb"], field, before, after])
