"""The Content-Security-Policy in a real browser: the main pages carry it, Chromium refuses
nothing on them, and what needs scripts (htmx, the keyboard shortcuts) still works.

Every session of the browser tests also fails on any violation (conftest.watch_csp), so the
other flows (citations swapped in by htmx, bulk actions, polling) are covered as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD, watch_csp
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, publish

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = b"<html><head><title>Sea level report</title></head><body><p>20 cm.</p></body></html>"


@pytest.fixture
def claims(workflow) -> dict[str, Any]:
    checker = UserFactory.create(username="checker", roles=["Fact-checkers"])
    editor = UserFactory.create(username="editor", roles=["Editors"])
    UserFactory.create(username="admin", is_staff=True, is_superuser=True)
    published = ReviewItemFactory.create(priority=0.1)
    publish(published, checker=checker, editor=editor, verdict="mostly-true")
    waiting = [ReviewItemFactory.create(priority=p) for p in (0.9, 0.5)]
    return {"published": published, "waiting": waiting}


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    violations = watch_csp(context)
    yield context.new_page(), violations
    context.close()


def _visit(page: Page, url: str, *, inline_styles: bool = False) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status < 400, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy, url
    assert "'unsafe-eval'" not in policy, url
    assert ("'unsafe-inline'" in policy) == inline_styles, url  # Redoc's, and only for styles
    if inline_styles:
        assert "style-src 'self' 'unsafe-inline'" in policy


def _log_in(page: Page, base: str, username: str, path: str = "/accounts/login/") -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_desk_works_under_the_policy(page, live_server, claims, local_server):
    local_server.routes["/report"] = (200, {"Content-Type": "text/html"}, REPORT)
    page, violations = page
    base = live_server.url
    _visit(page, f"{base}/accounts/login/")
    _log_in(page, base, "checker")
    page.wait_for_url(f"{base}/")

    # The queue: counts swapped in by htmx, the shortcuts (j, ?, t), the live filter.
    expect(page.locator("#count-unassigned")).to_have_text("2")
    page.keyboard.press("j")
    expect(page.locator("[data-queue-row].selected")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_contain_text("Keyboard shortcuts")
    page.keyboard.press("Escape")
    page.keyboard.press("t")  # take next
    page.wait_for_url(f"{base}/claims/{claims['waiting'][0].pk}/")
    colour = page.locator("#lease .badge").evaluate("e => getComputedStyle(e).borderTopColor")
    assert colour == "rgb(37, 99, 235)"  # In progress's #2563eb, by its class in /colours.css

    # A citation swapped in by htmx, after the reader resized the quote box: that gives the old
    # textarea a style attribute, which htmx must not copy onto the new one.
    page.get_by_label("Quoted passage").evaluate("e => { e.style.height = '6em'; }")
    page.get_by_label("Source URL").fill(local_server.url("/report"))
    page.get_by_role("button", name="Add citation").click()
    expect(page.locator("#citations")).to_contain_text("Sea level report")

    _visit(page, f"{base}/")
    page.locator("#id_q").press_sequentially("zzz-nothing-matches")
    expect(page.locator("[data-queue-row]")).to_have_count(0)  # htmx swapped the results

    for path in ("/articles/", "/inbox/", f"/claims/{claims['published'].pk}/", "/dashboard/"):
        _visit(page, f"{base}{path}")
    widths = page.locator("table.bars svg.bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert max(widths) > 10 * min(widths)  # the widths come from the svg attribute
    assert violations == []


def test_public_pages_login_and_lockout_under_the_policy(page, live_server, claims, settings):
    page, violations = page
    base = live_server.url
    published = claims["published"]
    _visit(page, f"{base}/fact-checks/")
    page.get_by_role("link", name=published.claim.text).click()
    expect(page.get_by_text("Verdict: Mostly true")).to_be_visible()
    _visit(page, page.url)
    _visit(page, f"{base}/accounts/login/")

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 1
    page.get_by_label("Username").fill("checker")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Login locked")).to_be_visible()
    assert violations == []


def test_the_admin_and_the_api_docs_under_the_policy(page, live_server, claims):
    page, violations = page
    base = live_server.url
    _visit(page, f"{base}/admin/login/")
    _log_in(page, base, "admin", "/admin/login/")
    page.wait_for_url(f"{base}/admin/")
    for path in ("/admin/reviews/status/", "/admin/reviews/status/1/change/"):
        _visit(page, f"{base}{path}")
    _visit(page, f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ClaimDesk API")
    assert violations == []
    _visit(page, f"{base}/api/redoc/", inline_styles=True)
    expect(page.locator("redoc h1").first).to_contain_text("ClaimDesk API")
    # Redoc's sidebar shows Redocly's logo from their CDN: refused, like anything from elsewhere.
    assert [v for v in violations if "https://cdn.redoc.ly/" not in v] == []
