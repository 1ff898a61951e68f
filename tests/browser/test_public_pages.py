"""A reader, with no login, finds a fact check: the index, its search, the fact-check page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(workflow):
    checker = UserFactory.create(username="checker", roles=["Fact-checkers"])
    editor = UserFactory.create(username="editor", roles=["Editors"])
    korean = ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")
    publish(korean, checker=checker, editor=editor, verdict="mostly-true")
    for item in ReviewItemFactory.create_batch(3):
        publish(item, checker=checker, editor=editor)
    return korean


def test_a_reader_searches_the_index_and_opens_a_fact_check(browser, live_server, published):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/fact-checks/")
        expect(page.locator("[data-fact-check]")).to_have_count(4)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "public-index.png", full_page=True)

        page.get_by_label("Search fact checks").fill("Korean")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"q=Korean"))
        expect(page.locator("[data-fact-check]")).to_have_count(1)

        page.get_by_role("link", name="Korean exports rose 8% last year.").click()
        expect(page).to_have_url(re.compile(rf"/fact-checks/{published.claim_id}-korean-exports"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Korean exports rose 8% last year."
        )
        expect(page.get_by_text("Verdict: Mostly true")).to_be_visible()
        expect(page.locator('meta[property="og:url"]')).to_have_attribute("content", page.url)
        page.screenshot(path=SCREENSHOTS / "public-fact-check.png", full_page=True)
    finally:
        context.close()
