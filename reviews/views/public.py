"""Public fact-check pages (no login): what readers, search engines and Google's Fact Check
Explorer see. Each fact-check page embeds the same ClaimReview the API serves; the index
lists them, newest first, with an Atom feed."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from reviews.claimreview import claimreview, fact_check_path
from reviews.conf import conf
from reviews.models import ReviewItem
from reviews.public_selectors import fact_check_corrections, published_fact_checks
from reviews.public_urls import absolute, public_base_url

INDEX_PAGE_SIZE = 20
FEED_SIZE = 50


def styled_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Readers get the public 404 page for a missing fact-check even where DEBUG shows
    Django's technical page for every other Http404 (e.g. `make run`)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return public_not_found(request)

    return wrapper


def public_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def _site(request: HttpRequest, path: str) -> dict[str, Any]:
    """The base for absolute URLs, and the page's own (Open Graph's og:url). The organisation's
    name and logo come from the public_site tag, which the 404 page uses too."""
    base = public_base_url(request)
    return {"base_url": base, "page_url": absolute(base, path)}


@require_GET
@styled_404
def fact_check_index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(published_fact_checks(q=q), INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/public/index.html",
        {"page": page, "q": q, **_site(request, reverse("fact-checks"))},
    )


@require_GET
@styled_404
def fact_check(request: HttpRequest, claim_id: int, slug: str) -> HttpResponse:
    item = published_fact_checks().prefetch_related("claim__citations").filter(claim_id=claim_id)
    found = item.first()
    if found is None:
        raise Http404("No published fact-check here.")
    canonical = fact_check_path(found)
    if request.path != canonical:  # the claim text (and so the slug) is the canonical one
        return redirect(canonical, permanent=True)
    site = _site(request, canonical)
    # json.dumps escapes nothing HTML-special: "</script>" in a claim must not end the block.
    review = claimreview(found, base=site["base_url"])
    ld = json.dumps(review, ensure_ascii=False).replace("<", "\\u003c")
    context = {
        "item": found,
        "claimreview_json": ld,
        "corrections": fact_check_corrections(claim_id=found.claim_id),
        **site,
    }
    return render(request, "reviews/public/fact_check.html", context)


@require_GET
@styled_404
def fact_check_missing(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other URL under /fact-checks/: the public 404, whatever DEBUG says."""
    raise Http404(f"No fact-check at {request.path}.")


@dataclass(frozen=True)
class FeedEntry:
    item: ReviewItem
    url: str


class FactCheckFeed(Feed[FeedEntry, str]):
    """/fact-checks/feed.atom: the newest published fact-checks. The feed object is the
    public base URL, worked out once per request."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return public_base_url(request)

    def title(self, obj: str) -> str:
        return f"{conf().organization_name}: fact checks"

    def subtitle(self, obj: str) -> str:
        return f"The newest fact checks published by {conf().organization_name}."

    def link(self, obj: str) -> str:
        return absolute(obj, reverse("fact-checks"))

    def feed_url(self, obj: str) -> str:
        return absolute(obj, reverse("fact-checks-feed"))

    def author_name(self, obj: str) -> str:
        return conf().organization_name

    def items(self, obj: str) -> list[FeedEntry]:
        return [
            FeedEntry(item, absolute(obj, fact_check_path(item)))
            for item in published_fact_checks()[:FEED_SIZE]
        ]

    def item_title(self, item: FeedEntry) -> str:
        verdict = item.item.verdict.name if item.item.verdict else ""
        return f"{verdict}: {item.item.claim.text}"

    def item_description(self, item: FeedEntry) -> str:
        return item.item.explanation

    def item_link(self, item: FeedEntry) -> str:
        return item.url

    def item_guid(self, item: FeedEntry) -> str:
        return item.url

    def item_pubdate(self, item: FeedEntry) -> datetime | None:
        return item.item.published_at

    def item_updateddate(self, item: FeedEntry) -> datetime:
        return item.item.updated_at

    def item_author_name(self, item: FeedEntry) -> str:
        return conf().organization_name


class FactCheckSitemap(Sitemap[ReviewItem]):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[ReviewItem]:
        return published_fact_checks().order_by("id")

    def location(self, item: ReviewItem) -> str:
        return fact_check_path(item)

    def lastmod(self, item: ReviewItem) -> object:
        return item.updated_at

    # Django builds each <loc> from these and the request's site; a configured
    # CLAIMDESK_PUBLIC_BASE_URL wins over the host the request came to.
    def get_protocol(self, protocol: str | None = None) -> str:
        configured = conf().public_base_url
        return urlsplit(configured).scheme if configured else super().get_protocol(protocol)

    def get_domain(self, site: Any = None) -> str:
        configured = conf().public_base_url
        if configured:
            parts = urlsplit(configured.rstrip("/"))
            return parts.netloc + parts.path
        return super().get_domain(site)
