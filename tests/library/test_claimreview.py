"""ClaimReview parsing and import against real pages and feeds (tests/fixtures/recorded)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from library.evidence.claimreview import claimreviews_from_feed, claimreviews_from_html
from library.evidence.library import FactCheckProvider
from library.models import FactCheck
from library.services.factchecks import claimreviews_from_document, factchecks_import


def test_every_real_fact_check_page_yields_its_claimreview(recorded):
    pages = sorted((recorded / "claimreview_html").glob("*.html"))
    assert len(pages) == 11
    for page in pages:
        reviews = claimreviews_from_html(page.read_text(encoding="utf-8", errors="replace"))
        assert reviews, page.name
        for review in reviews:
            assert review.url.startswith("http")
            assert review.claim_reviewed
            assert "&quot;" not in review.claim_reviewed
            assert "<" not in review.claim_reviewed


def test_afp_page_fields(recorded):
    (review,) = claimreviews_from_html((recorded / "claimreview_html" / "afp_raw.html").read_text())
    assert review.publisher
    assert review.rating
    assert review.published_at is not None


def test_feed_of_32_real_claimreviews_in_many_languages(recorded):
    text = (recorded / "claimreview_feed" / "meedan_fixture_claimreviews.jsonl").read_text()
    expected = [json.loads(line)["claimReview"] for line in text.splitlines() if line.strip()]
    usable = [
        r for r in expected if r.get("claimReviewed") and str(r.get("url", "")).startswith("http")
    ]
    reviews = claimreviews_from_feed(text)
    assert len(reviews) == len(usable) >= 30
    assert len({r.publisher for r in reviews if r.publisher}) >= 15  # 24 publishers in the feed


def test_data_commons_feed_item(recorded):
    (review,) = claimreviews_from_feed(
        (recorded / "claimreview_feed" / "meedan_data_commons_raw.json").read_text()
    )
    assert review.publisher == "Deutsche Presse-Agentur"
    assert review.claimant == "Irmin Suhl"
    assert review.appearance_url.startswith("https://www.facebook.com/")
    assert review.rating.startswith("Reker hat diesen Satz nie gesagt")


def test_broken_json_ld_blocks_are_skipped_not_fatal():
    page = """<html><head><script type="application/ld+json">{not json</script>
    <script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": "X is Y",
    "url": "https://fc.example/1", "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    </script></head><body></body></html>"""
    (review,) = claimreviews_from_html(page)
    assert (review.claim_reviewed, review.rating) == ("X is Y", "False")
    assert claimreviews_from_html("") == []
    with pytest.raises(ValueError, match="line 1"):
        claimreviews_from_feed("{broken\n{also broken}")


def test_import_command_is_idempotent_and_feeds_the_provider(recorded, db):
    feed = recorded / "claimreview_feed" / "meedan_fixture_claimreviews.jsonl"
    pages = recorded / "claimreview_html" / "afp_raw.html"
    out = StringIO()
    call_command("import_claimreview", str(feed), str(pages), stdout=out)
    count = FactCheck.objects.count()
    urls = {r.url for r in claimreviews_from_feed(feed.read_text())}
    urls |= {r.url for r in claimreviews_from_html(pages.read_text())}
    assert count == len(urls) >= 25  # one row per fact-check URL
    again = StringIO()
    call_command("import_claimreview", str(feed), stdout=again)
    assert " 0 new" in again.getvalue()
    assert FactCheck.objects.count() == count
    checked = FactCheck.objects.exclude(rating="").first()
    assert checked is not None
    hits = FactCheckProvider().search(checked.claim_reviewed, limit=3)
    assert hits[0].url == checked.url
    assert hits[0].rating == checked.rating


def test_import_command_reports_bad_sources(tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 source"):
        call_command("import_claimreview", str(bad), stdout=StringIO(), stderr=err)
    assert "Not a ClaimReview page or feed" in err.getvalue()


def test_nul_characters_are_dropped_before_storing(db):
    """PostgreSQL refuses NUL in text and JSON; a feed carrying them still imports."""
    feed = json.dumps(
        {
            "@type": "ClaimReview",
            "claimReviewed": "Bread\\u0000 costs 9 euros",
            "url": "https://factcheck.example/bread",
            "itemReviewed": {"odd\\u0000key": ["x\\u0000y"]},
        }
    ).replace("\\\\u0000", "\\u0000")
    result = factchecks_import(reviews=claimreviews_from_document(feed))
    assert result.created == 1
    check = FactCheck.objects.get()
    assert check.claim_reviewed == "Bread costs 9 euros"
    assert check.raw["itemReviewed"] == {"oddkey": ["xy"]}
