"""Public fact-check pages (no login): what readers, search engines and Google's Fact Check
Explorer see. Each embeds the same ClaimReview the API serves."""

from __future__ import annotations

import json

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reviews import selectors
from reviews.claimreview import claimreview, fact_check_path
from reviews.models import ReviewItem


def _published() -> QuerySet[ReviewItem]:
    return selectors.api_claims(include_internal=False).filter(verdict__isnull=False)


@require_GET
def fact_check(request: HttpRequest, claim_id: int, slug: str) -> HttpResponse:
    item = _published().filter(claim_id=claim_id).first()
    if item is None:
        raise Http404("No published fact-check here.")
    canonical = fact_check_path(item)
    if request.path != canonical:  # the claim text (and so the slug) is the canonical one
        return redirect(canonical, permanent=True)
    # json.dumps escapes nothing HTML-special: "</script>" in a claim must not end the block.
    ld = json.dumps(claimreview(item), ensure_ascii=False).replace("<", "\\u003c")
    return render(request, "reviews/public/fact_check.html", {"item": item, "claimreview_json": ld})


class FactCheckSitemap(Sitemap[ReviewItem]):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[ReviewItem]:
        return _published().prefetch_related(None).order_by("id")

    def location(self, item: ReviewItem) -> str:
        return fact_check_path(item)

    def lastmod(self, item: ReviewItem) -> object:
        return item.updated_at
