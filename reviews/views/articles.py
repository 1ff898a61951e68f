"""The articles page: each article with the progress of its claims."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.selectors import article_progress, articles_with_progress
from reviews.views.common import QUEUE_PAGE_SIZE, reviewer_required


@reviewer_required
def articles(request: HttpRequest) -> HttpResponse:
    page = Paginator(articles_with_progress(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(article, article_progress(article=article)) for article in page]
    return render(request, "reviews/articles.html", {"page": page, "rows": rows})
