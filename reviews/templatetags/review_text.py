"""Rendering of reviewers' free text. Escaped first, then the little markup we add (mention
links, line breaks) is passed through nh3 so nothing else can reach the page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

from core.text import balance_quotes
from reviews.models import Citation, Note
from reviews.services.citations import MENTION, fetch_error_in_words

register = template.Library()

_ALLOWED_TAGS = {"a", "br", "p"}
_ALLOWED_ATTRIBUTES = {"a": {"class"}}


@register.filter
def note_html(note: Note) -> SafeString:
    mentioned = {user.username for user in note.mentions.all()}

    def mention(match: re.Match[str]) -> str:
        name = match.group(1)
        return f'<a class="mention">@{name}</a>' if name in mentioned else f"@{name}"

    html = MENTION.sub(mention, escape(note.body)).replace("\n", "<br>")
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES)
    return mark_safe(cleaned)  # noqa: S308 — escaped above, then sanitised by nh3


@register.filter
def claim_title(text: str) -> str:
    """A claim as a title: no dangling quote mark."""
    return balance_quotes(text)


@register.filter
def domain(url: str) -> str:
    """The site a URL points to ("example.org"), for links that have no title of their own."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


@register.filter
def fetch_failure(citation: Citation) -> str:
    """Why a citation's page could not be fetched, in plain words."""
    return fetch_error_in_words(citation.url, citation.fetch_error)


@register.filter
def language_label(code: str) -> str:
    """A language's English name ("fr": French). A code Django does not name (language
    detection knows more) is shown upper-cased instead of failing the page."""
    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code.upper()
