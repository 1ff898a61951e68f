"""Real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser is
ever downloaded) against pytest-django's live server.

Every context watches for Content-Security-Policy violations, and a test whose pages caused one
fails: whatever a test drives (htmx swaps, shortcuts, forms) must work under the policy.
Screenshots of the main pages land in test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CLAIMDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's password

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous, one at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Runs in every page before its own scripts (Playwright injects it past the policy).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} in ${e.sourceFile || e.documentURI}`
  + `:${e.lineNumber}`));
"""


def watch_csp(context: BrowserContext) -> list[str]:
    """The context's Content-Security-Policy violations, as they happen: each page's
    `securitypolicyviolation` events and Chromium's console reports of refusals."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(_REPORT_VIOLATIONS)
    context.on("console", console)
    return violations


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make chromium` (Debian packages chromium "
            "and chromium-driver) or set CLAIMDESK_CHROMIUM."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class Session:
    """One person's browser: their own cookies, logged in through the real login form."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.csp_violations = watch_csp(context)
        self.page: Page = context.new_page()
        self.base_url = base_url

    def login(self, username: str) -> Session:
        self.page.goto(f"{self.base_url}/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"{self.base_url}/")
        return self

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def open_session(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Session]]:
    sessions: list[Session] = []

    def open_(username: str) -> Session:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        sessions.append(Session(context, live_server.url))
        return sessions[-1].login(username)

    yield open_
    for session in sessions:
        session.context.close()
    violations = [v for session in sessions for v in session.csp_violations]
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
