"""Reviewer pages: the queue and the claim page. Thin: forms in, services, templates out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from claims.errors import ApplicationError
from claims.selectors import article_progress, articles_with_progress
from reviews import selectors, services
from reviews.forms import CitationForm, ReviewUpdateForm
from reviews.models import Status

QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    status_slug = request.GET.get("status") or None
    page = Paginator(selectors.queue_items(status_slug=status_slug), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/queue.html",
        {"page": page, "statuses": Status.objects.all(), "status_slug": status_slug},
    )


@login_required
def articles(request: HttpRequest) -> HttpResponse:
    page = Paginator(articles_with_progress(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(article, article_progress(article=article)) for article in page]
    return render(request, "reviews/articles.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_detail(item_id=item_id)
    if item is None:
        raise Http404("No such claim in the queue.")
    update_form = ReviewUpdateForm(
        initial={
            "version": item.version,
            "status": item.status,
            "verdict": item.verdict,
            "explanation": item.explanation,
        }
    )
    citation_form = CitationForm()
    conflict = None
    http_status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        user = request.user  # login_required: always a real user here
        assert user.is_authenticated  # noqa: S101 — narrows the type for mypy
        try:
            if action == "update":
                update_form = ReviewUpdateForm(request.POST)
                if update_form.is_valid():
                    data = update_form.cleaned_data
                    services.review_item_update(
                        item_id=item.pk,
                        user=user,
                        expected_version=data["version"],
                        status=data["status"],
                        verdict=data["verdict"],
                        clear_verdict=data["verdict"] is None,
                        explanation=data["explanation"],
                    )
                    messages.success(request, "Saved.")
                    return redirect("reviews:claim", item_id=item.pk)
            elif action == "cite":
                citation_form = CitationForm(request.POST)
                if citation_form.is_valid():
                    services.citation_add(
                        claim_id=item.claim_id, user=user, **citation_form.cleaned_data
                    )
                    messages.success(request, "Citation added.")
                    return redirect("reviews:claim", item_id=item.pk)
            else:
                return HttpResponse("Unknown action.", status=400)
            http_status = 400  # a form was invalid: show it again with its errors
        except ApplicationError as exc:
            http_status = exc.status
            if exc.code == "conflict":
                conflict = {"message": exc.message, "mine": request.POST, "theirs": item}
            else:
                messages.error(request, exc.message)
    article = item.claim.article
    context = {
        "item": item,
        "claim": item.claim,
        "article": article,
        "before": article.text[max(0, item.claim.sentence_start - 400) : item.claim.sentence_start],
        "after": article.text[item.claim.sentence_end : item.claim.sentence_end + 400],
        "update_form": update_form,
        "citation_form": citation_form,
        "conflict": conflict,
    }
    return render(request, "reviews/claim_detail.html", context, status=http_status)
