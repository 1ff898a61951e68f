"""Where readers reach the public pages: the one base every absolute public URL starts with
(the API's fact_check_url, ClaimReview's url, the sitemap, the Atom feed, Open Graph tags,
webhook payloads).

CLAIMDESK_PUBLIC_BASE_URL when set. Otherwise the request's own scheme and host (so a site
served on another port or host links to itself), and where there is no request (webhook
payloads, tasks) LOCAL_FALLBACK, which only suits a developer's machine: production settings
refuse to start without the setting (config/settings/production.py).
"""

from __future__ import annotations

from typing import Protocol

from django.templatetags.static import static

from reviews.conf import conf

# runserver's default address: right for `manage.py runserver`, wrong anywhere public.
LOCAL_FALLBACK = "http://127.0.0.1:8000"
# Shipped with the app (reviews/static/); CLAIMDESK_ORGANIZATION_LOGO_URL replaces it.
DEFAULT_LOGO = "reviews/public/logo.svg"


class RequestLike(Protocol):
    """A Django HttpRequest or DRF Request (which passes these through)."""

    @property
    def scheme(self) -> str | None: ...

    def get_host(self) -> str: ...


def public_base_url(request: RequestLike | None = None) -> str:
    """The base without a trailing slash. Compute it once per request, not per claim."""
    configured = conf().public_base_url
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme or 'http'}://{request.get_host()}"
    return LOCAL_FALLBACK


def absolute(base: str, path: str) -> str:
    return base + path if path.startswith("/") else path


def organization_logo_url(base: str) -> str:
    """Absolute (Open Graph needs it): the configured logo, or the shipped one."""
    return conf().organization_logo_url or absolute(base, static(DEFAULT_LOGO))
