"""The organisation behind the public pages, for their header and Open Graph tags; a tag (not
view context) so the 404 page, rendered by Django's handler, has it too."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from reviews.claimreview import fact_check_path as _fact_check_path
from reviews.conf import conf
from reviews.models import ReviewItem
from reviews.public_urls import absolute, organization_logo_url, public_base_url

register = template.Library()


@register.simple_tag(takes_context=True)
def public_site(context: template.Context) -> dict[str, str]:
    request: Any = context.get("request")
    base = public_base_url(request)
    return {
        "name": conf().organization_name,
        "url": conf().organization_url or absolute(base, reverse("fact-checks")),
        "logo_url": organization_logo_url(base),
        "index_url": reverse("fact-checks"),
        "feed_url": absolute(base, reverse("fact-checks-feed")),
    }


@register.filter
def fact_check_path(item: ReviewItem) -> str:
    return _fact_check_path(item)
