"""Every workspace page fits a phone (390 px) and a desktop without sideways scrolling; the
citations block shows a failed fetch without a reload, with Retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews.models import Citation
from reviews.services.citations import citation_fetch_failed
from tests.browser.test_review_flow import REPORT
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"mobile": (390, 844), "desktop": (1440, 900)}


@pytest.fixture
def checker(workflow):
    return UserFactory.create(username="checker", roles=["Fact-checkers"])


@pytest.mark.parametrize("size", SIZES)
def test_workspace_pages_fit_the_screen(open_session, checker, size):
    items = [
        ReviewItemFactory.create(
            priority=0.9 - n / 10,
            claim__speaker="Dr Jane Smith-Montgomery",
            claim__article__outlet="The Very Long Name of a Regional Newspaper",
        )
        for n in range(3)
    ]
    Citation.objects.create(
        claim=items[0].claim,
        url="https://example.org/" + "a-very-long-path-segment/" * 6,
        quote="A long quoted passage " * 10,
    )
    session = open_session("checker")
    width, height = SIZES[size]
    session.page.set_viewport_size({"width": width, "height": height})
    pages = {
        "queue": "/",
        "claim-page": f"/claims/{items[0].pk}/",
        "dashboard": "/dashboard/",
        "articles": "/articles/",
    }
    for name, path in pages.items():
        session.page.goto(f"{session.base_url}{path}")
        session.page.wait_for_load_state("networkidle")
        overflow = session.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        session.screenshot(f"{size}-{name}")
        assert overflow[0] <= overflow[1], f"{name} at {width}px: {overflow}"


def test_a_failed_citation_fetch_appears_without_a_reload_with_retry(
    open_session, checker, local_server
):
    item = ReviewItemFactory.create()
    citation = Citation.objects.create(claim=item.claim, url=local_server.url("/report"))
    session = open_session("checker")
    page = session.page
    page.goto(f"{session.base_url}/claims/{item.pk}/")
    row = page.locator(f"#citation-{citation.pk}")
    expect(row).to_contain_text("fetching title")
    # The background fetch gives up (what the task does when its retries are used up).
    citation_fetch_failed(
        citation_id=citation.pk,
        reason="Could not resolve host '127.0.0.1': [Errno -2] Name or service not known",
    )
    expect(row).to_contain_text("could not reach 127.0.0.1: name not found", timeout=10_000)
    session.screenshot("citation-failed")
    # The site is back: Retry fetches the page again (the test's tasks run at once).
    local_server.routes["/report"] = (200, {"Content-Type": "text/html"}, REPORT)
    row.get_by_role("button", name="Retry").click()
    expect(page.locator(f"#citation-{citation.pk}")).to_contain_text("Sea level report")
    page.reload()
    expect(page.locator(".history")).to_contain_text("retried citation")
