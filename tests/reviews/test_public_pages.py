"""The public pages (no login): the index with search, pages and an Atom feed; the fact-check
page's content and social tags; the styled 404; where absolute public URLs come from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from reviews.claimreview import claimreview
from reviews.models import ReviewItem, Status
from reviews.public_urls import LOCAL_FALLBACK, public_base_url
from reviews.services.citations import citation_add
from reviews.services.publication import api_url
from reviews.services.workflow import review_item_update
from reviews.views.public import INDEX_PAGE_SIZE
from tests.reviews.factories import ReviewItemFactory, publish

ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = Path(__file__).resolve().parents[2]


def _published(checker, editor, text: str, verdict: str = "false", **claim) -> ReviewItem:
    item = ReviewItemFactory.create(
        claim__text=text, **{f"claim__{k}": v for k, v in claim.items()}
    )
    return publish(item, checker=checker, editor=editor, verdict=verdict)


def _meta(html: str, attr: str, name: str) -> str:
    found = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    assert found is not None, f"no {name}"
    return found.group(1)


@pytest.fixture
def three(workflow, user, editor):
    old = _published(user, editor, "Unemployment fell to 3% in May.", "true", speaker="A Minister")
    mid = _published(user, editor, "Exports to Korea doubled last year.", "mostly-true")
    new = _published(user, editor, "The bridge cost 2 billion euros.", "false")
    now = timezone.now()
    for n, item in enumerate((old, mid, new)):  # published a day apart, in this order
        ReviewItem.objects.filter(pk=item.pk).update(published_at=now - timedelta(days=3 - n))
    return old, mid, new


def test_index_lists_published_fact_checks_newest_first_without_login(three, client):
    old, mid, new = three
    draft = ReviewItemFactory.create(claim__text="A draft nobody may see yet.")
    html = client.get("/fact-checks/").content.decode()
    order = [html.index(i.claim.text) for i in (new, mid, old)]
    assert order == sorted(order)
    assert draft.claim.text not in html
    assert "Mostly true" in html
    assert 'class="badge verdict-mostly-true"' in html  # coloured by /colours.css
    assert f'href="/fact-checks/{mid.claim_id}-exports-to-korea-doubled-last-year/"' in html


def test_index_search_matches_claim_speaker_and_says_so(three, client):
    old, mid, _ = three
    html = client.get("/fact-checks/", {"q": "korea"}).content.decode()
    assert mid.claim.text in html
    assert old.claim.text not in html
    assert "1 fact check matching “korea”" in html
    assert old.claim.text in client.get("/fact-checks/?q=minister").content.decode()
    assert "No fact checks match" in client.get("/fact-checks/?q=zebra").content.decode()


def test_index_is_paginated_keeping_the_search(workflow, user, editor, client):
    for n in range(INDEX_PAGE_SIZE + 3):
        _published(user, editor, f"Claim number {n} about tax.")
    first = client.get("/fact-checks/?q=tax").content.decode()
    assert first.count("data-fact-check") == INDEX_PAGE_SIZE
    assert 'href="?q=tax&amp;page=2"' in first
    second = client.get("/fact-checks/?q=tax&page=2").content.decode()
    assert second.count("data-fact-check") == 3
    assert "Page 2 of 2" in second


def test_feed_is_valid_atom_with_the_newest_entries(three, client):
    old, mid, new = three
    response = client.get("/fact-checks/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 — our own feed, not untrusted input
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "http://testserver/fact-checks/feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{i.verdict.name}: {i.claim.text}" for i in (new, mid, old)
    ]
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    link = entries[1].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == (
        f"http://testserver/fact-checks/{mid.claim_id}-exports-to-korea-doubled-last-year/"
    )


def test_index_links_its_feed_and_has_social_tags(three, client):
    html = client.get("/fact-checks/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="ClaimDesk: fact checks" '
        'href="http://testserver/fact-checks/feed.atom">'
    ) in html
    assert _meta(html, "property", "og:url") == "http://testserver/fact-checks/"
    assert _meta(html, "property", "og:image").startswith("http://testserver/static/")
    assert _meta(html, "name", "twitter:card") == "summary"


@pytest.fixture
def full(workflow, user, editor):
    item = ReviewItemFactory.create(
        claim__speaker="Dr Jane Smith",
        claim__article__source_url="https://news.example/sea-level",
        claim__article__title="Sea levels and you",
        claim__article__outlet="The Test Gazette",
    )
    citation_add(claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/", title="IPCC AR6")
    citation_add(claim_id=item.claim_id, user=user, url="https://www.noaa.gov/sea-level", title="")
    item = publish(item, checker=user, editor=editor, verdict="mostly-true")
    ReviewItem.objects.filter(pk=item.pk).update(explanation="Tide gauges say 21 cm.")
    return ReviewItem.objects.get(pk=item.pk)


def test_fact_check_page_shows_everything_a_reader_needs(full, client, settings):
    settings.CLAIMDESK_ORGANIZATION_NAME = "Sea Checkers"
    html = client.get(f"/fact-checks/{full.claim_id}-x/", follow=True).content.decode()
    assert "Sea Checkers" in html
    assert re.search(r'<img src="http://testserver/static/reviews/public/logo.svg"', html)
    assert "Said by <strong>Dr Jane Smith</strong>" in html
    assert (
        '<a href="https://news.example/sea-level" rel="nofollow noopener">Sea levels and you</a>'
        in html
    )
    assert "(The Test Gazette)" in html
    assert "Verdict: Mostly true" in html
    assert "Tide gauges say 21 cm." in html
    assert ">IPCC AR6</a>" in html
    assert ">noaa.gov</a>" in html  # untitled: its site, not a bare URL
    assert full.published_at.strftime("%Y") in html
    assert "Corrections" not in html


def test_fact_check_page_social_tags_are_absolute(full, client, settings):
    settings.CLAIMDESK_ORGANIZATION_LOGO_URL = "https://cdn.example/logo.png"
    response = client.get(f"/fact-checks/{full.claim_id}-x/", follow=True)
    html = response.content.decode()
    url = f"http://testserver{response.request['PATH_INFO']}"
    assert _meta(html, "property", "og:url") == url
    assert _meta(html, "property", "og:type") == "article"
    assert _meta(html, "property", "og:site_name") == "ClaimDesk"
    assert _meta(html, "property", "og:image") == "https://cdn.example/logo.png"
    assert _meta(html, "property", "og:title").startswith("Fact check: Global sea level rose")
    assert _meta(html, "property", "og:description").startswith("Mostly true: Tide gauges")
    assert _meta(html, "name", "twitter:card") == "summary"


def test_a_reopened_and_republished_fact_check_shows_a_correction(full, client, user, editor):
    reopened = review_item_update(
        item_id=full.pk,
        user=editor,
        expected_version=full.version,
        status=Status.objects.get(slug="in-progress"),
        release=True,
    )
    publish(reopened, checker=user, editor=editor, verdict="false")
    html = client.get(f"/fact-checks/{full.claim_id}-x/", follow=True).content.decode()
    assert "Corrections" in html
    assert "reopened and republished" in html
    assert "the verdict changed from <strong>Mostly true</strong> to <strong>False</strong>" in html


@pytest.mark.parametrize(
    "path", ["/fact-checks/999999-nothing/", "/fact-checks/no-such-page", "/fact-checks/1/2/"]
)
@pytest.mark.parametrize("debug", [False, True])
def test_missing_fact_checks_get_the_styled_404(workflow, client, settings, path, debug):
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "claimdesk.css" in html
    assert "Browse all fact checks" in html
    assert "Django" not in html  # not the technical 404


def test_other_pages_404_styled_without_debug(workflow, client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    api = client.get("/api/v1/no-such-thing")
    assert api["Content-Type"] == "application/problem+json"


def test_public_urls_come_from_the_setting_when_set(full, client, key_client, settings):
    settings.CLAIMDESK_PUBLIC_BASE_URL = "https://factcheck.example/"
    api = key_client("claims:read").get("/api/v1/claims").json()["results"][0]
    assert api["fact_check_url"].startswith(
        f"https://factcheck.example/fact-checks/{full.claim_id}-"
    )
    html = client.get(api["fact_check_url"].removeprefix("https://factcheck.example")).content
    page = html.decode()
    assert _meta(page, "property", "og:url") == api["fact_check_url"]
    assert f'"url": "{api["fact_check_url"]}"' in page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{api['fact_check_url']}</loc>" in sitemap
    feed = client.get("/fact-checks/feed.atom").content.decode()
    assert api["fact_check_url"] in feed
    assert api_url("/api/v1/claims/1") == "https://factcheck.example/api/v1/claims/1"


def test_public_urls_follow_the_request_when_unset(full, client, key_client, settings):
    settings.CLAIMDESK_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["desk.example"]
    api = key_client("claims:read").get("/api/v1/claims", HTTP_HOST="desk.example:8123")
    assert api.json()["results"][0]["fact_check_url"].startswith("http://desk.example:8123/")
    sitemap = client.get("/sitemap.xml", HTTP_HOST="desk.example:8123").content.decode()
    assert "<loc>http://desk.example:8123/fact-checks/" in sitemap
    # Without a request (webhook payloads, tasks): the local fallback.
    assert public_base_url() == LOCAL_FALLBACK
    assert claimreview(full)["url"].startswith(LOCAL_FALLBACK + "/fact-checks/")


def test_the_api_list_works_out_the_base_once_per_request(
    workflow, user, editor, key_client, monkeypatch
):
    for n in range(3):
        _published(user, editor, f"Claim {n}.")
    calls: list[object] = []

    def counted(request: object = None) -> str:
        calls.append(request)
        return public_base_url(request)  # type: ignore[arg-type]

    monkeypatch.setattr("reviews.api.claims.public_base_url", counted)
    monkeypatch.setattr("reviews.api.representation.public_base_url", counted)
    body = key_client("claims:read").get("/api/v1/claims").json()
    assert len(body["results"]) == 3
    assert all(c["fact_check_url"].startswith("http://testserver/") for c in body["results"])
    assert len(calls) == 1


def _production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMDESK_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=base | {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a.example"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_the_public_base_url():
    refused = _production({})
    assert refused.returncode != 0
    assert "ImproperlyConfigured: CLAIMDESK_PUBLIC_BASE_URL must be set" in refused.stderr
    assert _production({"CLAIMDESK_PUBLIC_BASE_URL": "https://factcheck.example"}).returncode == 0
