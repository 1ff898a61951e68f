"""The claim page (review, cite, note, hand over, assign) and its history export."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ApplicationError
from reviews import roles, selectors
from reviews.claimreview import fact_check_path
from reviews.forms import CitationForm, NoteForm, ReviewUpdateForm
from reviews.models import Citation, ReviewItem, Status
from reviews.services import citations, workflow
from reviews.services import queue as queue_services
from reviews.streaming import csv_line_writer
from reviews.views.common import _user, reviewer_required


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
    elif action in ("cite-retry", "cite-edit", "cite-remove"):
        return _citation_action(request, item, action), bound
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


def _citation_action(request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
    user = _user(request)
    try:
        citation_id = int(request.POST.get("citation", ""))
    except ValueError as exc:
        raise ApplicationError("Which citation?", code="invalid_citation") from exc
    if not item.claim.citations.filter(pk=citation_id).exists():
        raise ApplicationError("No such citation on this claim.", code="not_found", status=404)
    if action == "cite-retry":
        citations.citation_retry(citation_id=citation_id, user=user)
        messages.success(request, "Fetching the page again.")
    elif action == "cite-remove":
        citations.citation_remove(citation_id=citation_id, user=user)
        messages.success(request, "Citation removed.")
    else:
        form = CitationForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            raise ApplicationError(f"Citation not saved: {errors}", code="invalid_citation")
        citations.citation_update(citation_id=citation_id, user=user, **form.cleaned_data)
        messages.success(request, "Citation saved.")
    return redirect("reviews:claim", item_id=item.pk)


def _citations_context(item: ReviewItem) -> dict[str, Any]:
    rows = list(item.claim.citations.all())
    return {
        "citations": rows,
        "citations_pending": any(c.fetch_state == Citation.FetchState.PENDING for c in rows),
    }


@reviewer_required
@require_GET
def claim_citations(request: HttpRequest, item_id: int) -> HttpResponse:
    """The citations block alone: the claim page polls it while a page is being fetched."""
    item = ReviewItem.objects.select_related("claim", "status").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such claim in the queue.")
    context = {
        **_citations_context(item),
        "item": item,
        "locked": item.status.is_published,
        "citation_form": CitationForm(),
    }
    return render(request, "reviews/_citations.html", context)


def _conflict(
    request: HttpRequest, item: ReviewItem, statuses: list[Status]
) -> tuple[dict[str, Any], ReviewUpdateForm]:
    """What the 409 page shows: who saved in between ("you, in another tab" when it was the
    same person), their version and the whole unsaved edit. The form below keeps the edit,
    now based on the current version: saving it again replaces theirs, knowingly."""
    user = _user(request)
    posted = ReviewUpdateForm(request.POST)
    mine = posted.cleaned_data if posted.is_valid() else {}
    saved = selectors.last_save(claim_id=item.claim_id)
    if saved is None or saved.actor is None:
        who = "someone else"
    elif saved.actor.pk == user.pk:
        who = "you, in another tab"
    else:
        who = saved.actor.get_username()
    unsaved = {
        "status": mine.get("status"),
        "verdict": mine.get("verdict"),
        "explanation": mine.get("explanation", request.POST.get("explanation", "")),
    }
    form = ReviewUpdateForm(
        initial={**unsaved, "version": item.version, "status": unsaved["status"] or item.status},
        statuses=statuses,
    )
    conflict = {
        "who": who,
        "saved_at": saved.created_at if saved else None,
        "theirs": item,
        "mine": unsaved,
    }
    return conflict, form


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
                conflict, update_form = _conflict(request, item, statuses)
                bound["update_form"] = update_form
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
    similar = selectors.similar_reviewed(claim=claim)
    other_language = selectors.reviewed_in_other_language(claim=claim)
    context = {
        **bound,
        "item": item,
        "claim": claim,
        "article": article,
        "before": article.text[max(0, claim.sentence_start - 400) : claim.sentence_start],
        "after": article.text[claim.sentence_end : claim.sentence_end + 400],
        **_citations_context(item),
        "conflict": conflict,
        "similar": [s for s in similar if other_language is None or s.pk != other_language.pk],
        "other_language": other_language,
        "evidence": selectors.evidence_panel(claim=claim),
        "prev_id": prev_id,
        "next_id": next_id,
        "holding": item.assignee_id == user.pk,
        "held_by_other": item.held_by_other(user.pk, now),
        "locked": item.status.is_published,
        "public_path": fact_check_path(item) if item.status.is_published else "",
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
