"""Bulk actions and saved views act on the filter on screen, after HTMX live filtering (the bug:
they used the filter the page loaded with, so "all matching" rewrote the whole queue)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reviews.models import ReviewItem, SavedView
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(workflow):
    UserFactory.create(username="checker", roles=["Fact-checkers"])
    korean = ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")
    others = ReviewItemFactory.create_batch(4)
    return korean, others


def _filter_live(page, text: str) -> None:
    page.get_by_label("Search").press_sequentially(text)  # typed, as a person would
    # HTMX swaps the results without a reload; the URL follows (hx-push-url).
    expect(page.locator("[data-queue-row]")).to_have_count(1)
    expect(page).to_have_url(re.compile(f"q={text}"))


def test_bulk_on_all_matching_changes_only_the_filtered_claims(open_session, queue):
    korean, others = queue
    checker = open_session("checker")
    page = checker.page
    expect(page.locator("[data-queue-row]")).to_have_count(5)
    _filter_live(page, "Korean")

    page.get_by_label("or all claims matching the filter").check()
    page.get_by_label("Bulk action", exact=True).select_option(label="Tag")
    page.get_by_label("Tag for the bulk action").fill("Trade")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#bulk-question")).to_have_text(
        "Tag “Trade”: apply to 1 claim matching: text ‘Korean’?"
    )
    checker.screenshot("bulk-confirm")
    page.get_by_role("button", name="Apply to 1 claim").click()
    expect(page.get_by_role("status")).to_have_text("Updated 1 claim.")

    tagged = ReviewItem.objects.filter(tags__slug="trade").values_list("pk", flat=True)
    assert list(tagged) == [korean.pk]
    assert not ReviewItem.objects.filter(pk__in=[o.pk for o in others], tags__isnull=False)


def test_editor_assigns_all_matching_claims_after_confirming(open_session, queue):
    """Editors' "Assign to", through the same two steps (it answered 500 every time)."""
    korean, _ = queue
    UserFactory.create(username="editor", roles=["Editors"])
    editor = open_session("editor")
    page = editor.page
    _filter_live(page, "Korean")

    page.get_by_label("or all claims matching the filter").check()
    page.get_by_label("Bulk action", exact=True).select_option(label="Assign to")
    page.get_by_label("Assignee for the bulk action").select_option(label="checker")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#bulk-question")).to_have_text(
        "Assign to checker: apply to 1 claim matching: text ‘Korean’?"
    )
    page.get_by_role("button", name="Apply to 1 claim").click()
    expect(page.get_by_role("status")).to_have_text("Updated 1 claim.")

    assigned = ReviewItem.objects.filter(assignee__username="checker").values_list("pk", flat=True)
    assert list(assigned) == [korean.pk]


def test_saved_view_stores_the_live_filter(open_session, queue):
    checker = open_session("checker")
    page = checker.page
    _filter_live(page, "Korean")
    page.get_by_label("Save the current filter as").fill("Korea")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text("Saved view “Korea”")

    saved = SavedView.objects.get(name="Korea")
    assert "q=Korean" in saved.query
    page.goto(checker.base_url + "/")
    page.get_by_role("link", name="Korea", exact=True).click()
    expect(page.locator("[data-queue-row]")).to_have_count(1)
    expect(page.locator("[data-queue-row]")).to_contain_text("Korean exports")
