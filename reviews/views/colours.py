"""The workflow's colours as a stylesheet.

Statuses and verdicts are rows a team recolours in the admin, and the Content-Security-Policy
allows no inline style, so a page names a class (`status-<slug>`, `verdict-<slug>`) and this
sheet gives each class its colour as `--colour` (claimdesk.css draws badges, dots and bars
with it). Public pages use it too, so it needs no login.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from reviews import selectors

# A hex colour or a colour name: nothing that could end the declaration or start another.
_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]+")
_SLUG = re.compile(r"[-\w]+", re.ASCII)


@require_GET
def colours_css(request: HttpRequest) -> HttpResponse:
    rules = [
        f".{prefix}-{slug} {{ --colour: {colour}; }}\n"
        for prefix, slug, colour in selectors.workflow_colours()
        if _SLUG.fullmatch(slug) and _COLOUR.fullmatch(colour)
    ]
    response = HttpResponse("".join(rules), content_type="text/css; charset=utf-8")
    # Revalidated on every page (a 304 by its ETag), so a recolour shows on the next one.
    response["Cache-Control"] = "no-cache"
    return response
