"""A mention reaches its reader: the checker writes @editor in a note; the editor sees the
unread count in the header, opens the inbox, follows the link to the claim, and the count
drops."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews.models import Notification
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_mention_shows_in_the_editors_inbox(open_session, workflow):
    UserFactory.create(username="checker", roles=["Fact-checkers"])
    UserFactory.create(username="editor", roles=["Editors"])
    item = ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")

    checker = open_session("checker")
    checker.page.goto(f"{checker.base_url}/claims/{item.pk}/")
    checker.page.get_by_label("Note").fill("@editor can you check the customs table?")
    checker.page.get_by_role("button", name="Add note").click()
    expect(checker.page.locator("#notes")).to_contain_text("can you check the customs table?")
    expect(checker.page.locator("#unread-count")).to_have_count(0)  # no news for the author

    editor = open_session("editor")
    page = editor.page
    expect(page.locator("#unread-count")).to_have_text("1")
    page.get_by_role("link", name="Inbox").click()
    link = page.get_by_role("link", name="checker mentioned you on claim")
    expect(link).to_contain_text("can you check the customs table?")
    editor.screenshot("notifications")
    link.click()
    page.wait_for_url(f"{editor.base_url}/claims/{item.pk}/")
    expect(page.locator("#notes")).to_contain_text("can you check the customs table?")
    expect(page.locator("#unread-count")).to_have_count(0)
    assert Notification.objects.get().read_at is not None
