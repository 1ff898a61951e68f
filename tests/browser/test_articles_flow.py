"""A fact-checker submits pasted text on the Articles page, watches the list follow the
pipeline by itself (HTMX polling, no reload), and goes from the article's highlighted claims
to a claim page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Article
from claims.services import articles as article_services
from claims.steps import enqueue_next_step
from reviews.models import ReviewItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
"The rate of rise has doubled since the 1990s," said Dr. Jane Smith, an oceanographer.
Is this the end of coastal cities? We should all worry.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""


def test_submit_watch_the_list_update_and_follow_a_highlight(open_session, workflow, monkeypatch):
    UserFactory.create(username="checker", roles=["Fact-checkers"])
    # Tasks run in-process, so the pipeline would finish inside the submit request. Hold the
    # first step back to see the list move on its own once the pipeline runs.
    held: list[Article] = []
    monkeypatch.setattr(article_services, "enqueue_next_step", held.append)

    checker = open_session("checker")
    page = checker.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.get_by_label("or paste the text").fill(ARTICLE)
    page.get_by_role("button", name="Submit article").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted as article #")
    row = page.locator("[data-article-row]")
    expect(row).to_have_count(1)
    expect(row.locator(".state")).to_have_text("queued")
    page.evaluate("window.__stillTheSamePage = true")

    [article] = held
    enqueue_next_step(article)  # no transaction here: the eager pipeline runs now
    assert Article.objects.get(pk=article.pk).state == Article.State.READY

    expect(row.locator(".state")).to_have_text("ready for review", timeout=12_000)
    assert page.evaluate("window.__stillTheSamePage === true")  # updated in place, no reload
    expect(page.locator("#articles-table")).not_to_have_attribute("hx-trigger", re.compile("."))
    checker.screenshot("articles")

    row.get_by_role("link", name="Sea levels rising faster").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/$"))
    highlights = page.locator("a.claim-hl mark")
    expect(highlights.first).to_be_visible()
    claims = article.claims.count()
    assert claims >= 2
    expect(highlights).to_have_count(claims)
    expect(page.locator("#pipeline")).to_contain_text("ready for review")
    checker.screenshot("article-page")

    first = page.locator("a.claim-hl").first
    claim_text = first.inner_text()
    first.click()
    item = ReviewItem.objects.get(claim__article=article, claim__sentence=claim_text)
    expect(page).to_have_url(re.compile(rf"/claims/{item.pk}/$"))
    expect(page.locator("p.context mark")).to_have_text(claim_text)
