"""ClaimReview output checked against the schema.org vocabulary (vendored term list built by
tests/fixtures/build_schemaorg_terms.py), public fact-check pages, the sitemap. The import's
tests are in tests/library/api."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld  # type: ignore[import-untyped]  # no stubs

from reviews.claimreview import claimreview
from reviews.services.citations import citation_add
from tests.reviews.factories import ReviewItemFactory, publish

TERMS = json.loads((Path(__file__).parents[1] / "fixtures" / "schemaorg_terms.json").read_text())
SCHEMA = "https://schema.org/"


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    # schema.org's context maps every term into its vocabulary; resolved here, never fetched.
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        document = {"@context": {"@vocab": SCHEMA}}
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }
    raise AssertionError(f"test tried to load {url}")


def _ancestors(cls: str) -> set[str]:
    seen, todo = set(), [cls]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += TERMS["classes"].get(name, [])
    return seen


def _check_node(node: dict[str, Any], problems: list[str]) -> None:
    types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
    for name in types:
        if name not in TERMS["classes"]:
            problems.append(f"unknown type {name}")
    allowed = set().union(*(_ancestors(t) for t in types)) if types else set()
    for key, values in node.items():
        if key.startswith("@"):
            continue
        prop = key.removeprefix(SCHEMA)
        if not key.startswith(SCHEMA) or prop not in TERMS["properties"]:
            problems.append(f"unknown property {key}")
            continue
        domains = set(TERMS["properties"][prop])
        if types and domains and not domains & allowed:
            problems.append(f"{prop} is not a property of {types}")
        for value in values:
            if isinstance(value, dict) and "@value" not in value:
                _check_node(value, problems)


def schema_problems(document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for node in jsonld.expand(document, {"documentLoader": _offline_loader}):
        _check_node(node, problems)
    return problems


@pytest.fixture
def published(workflow, user, editor):
    item = ReviewItemFactory.create(
        claim__speaker="Dr Jane Smith",
        claim__article__source_url="https://news.example/sea-level",
        claim__article__language="en",
    )
    citation_add(claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/", title="IPCC AR6")
    return publish(item, checker=user, editor=editor, verdict="mostly-true")


def test_claimreview_uses_only_schema_org_terms_where_they_belong(published, key_client):
    body = key_client("claims:read").get(f"/api/v1/claims/{published.claim_id}/claimreview")
    assert body["Content-Type"] == "application/ld+json"
    review = body.json()
    assert schema_problems(review) == []
    # Google's rules for ClaimReview markup.
    assert review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert review["reviewRating"]["bestRating"] > review["reviewRating"]["worstRating"] >= 1
    assert review["reviewRating"]["ratingValue"] == 4
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/sea-level"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Dr Jane Smith"}
    assert review["url"].endswith(
        f"/fact-checks/{published.claim_id}-global-sea-level-rose-by-about-20-centimetres-between-1900-and-2018/"
    )


def test_the_checker_catches_wrong_terms():
    bad = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewd": "x",
        "reviewRating": {"@type": "Rating", "appearance": "y"},
    }
    problems = schema_problems(bad)
    assert "unknown property https://schema.org/claimReviewd" in problems
    assert "appearance is not a property of ['Rating']" in problems


@pytest.mark.parametrize(
    ("speaker", "kind", "outlet", "author"),
    [
        ("Dr Jane Smith", "person", "Gazette", {"@type": "Person", "name": "Dr Jane Smith"}),
        ("NASA", "organization", "Gazette", {"@type": "Organization", "name": "NASA"}),
        ("a police spokesman", "", "Gazette", None),  # unknown: left out, not guessed
        ("", "", "Gazette", {"@type": "Organization", "name": "Gazette"}),  # the outlet's own
        ("", "", "", None),
    ],
)
def test_the_claim_author_is_a_person_an_organization_or_left_out(
    workflow, user, editor, speaker, kind, outlet, author
):
    item = ReviewItemFactory.create(
        claim__speaker=speaker,
        claim__speaker_kind=kind,
        claim__source="a study by NASA",
        claim__article__outlet=outlet,
    )
    reviewed = claimreview(publish(item, checker=user, editor=editor, verdict="true"))
    assert reviewed["itemReviewed"].get("author") == author
    assert schema_problems(reviewed) == []


def test_verdicts_off_the_scale_publish_only_their_name(workflow, user, editor):
    item = publish(ReviewItemFactory.create(), checker=user, editor=editor, verdict="unproven")
    rating = claimreview(item)["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Unproven"}


def test_feed_is_a_datafeed_of_claimreviews(published, key_client, workflow):
    ReviewItemFactory.create()  # unpublished: not in the feed
    response = key_client("claims:read").get("/api/v1/claimreview.jsonld")
    feed = json.loads(b"".join(response.streaming_content))
    assert feed["@type"] == "DataFeed"
    assert len(feed["dataFeedElement"]) == 1
    assert feed["dataFeedElement"][0]["item"][0]["@type"] == "ClaimReview"
    assert schema_problems(feed) == []


def test_public_page_embeds_the_claimreview_without_login(published, client, key_client):
    api = key_client("claims:read").get(f"/api/v1/claims/{published.claim_id}/claimreview").json()
    # No CLAIMDESK_PUBLIC_BASE_URL in tests: the URL names the host the API was asked on.
    assert api["url"].startswith("http://testserver/fact-checks/")
    page = client.get(api["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    html = page.content.decode()
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1)) == api
    assert "Verdict: Mostly true" in html
    assert "IPCC AR6" in html
    wrong_slug = client.get(f"/fact-checks/{published.claim_id}-something-else/")
    assert wrong_slug.status_code == 301


def test_public_pages_exist_only_for_published_claims(workflow, client):
    draft = ReviewItemFactory.create()
    assert client.get(f"/fact-checks/{draft.claim_id}-x/").status_code == 404


def test_script_in_a_claim_cannot_break_out_of_the_json_ld(workflow, user, editor, client):
    item = ReviewItemFactory.create(
        claim__text="Spending rose 9% </script><script>alert(1)</script>"
    )
    item = publish(item, checker=user, editor=editor)
    html = client.get(f"/fact-checks/{item.claim_id}-x/", follow=True).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert html.count("</script>") == 1


def test_sitemap_lists_published_fact_checks(published, client, workflow):
    draft = ReviewItemFactory.create()
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/fact-checks/{published.claim_id}-" in xml
    assert f"/fact-checks/{draft.claim_id}-" not in xml
