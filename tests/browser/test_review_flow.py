"""The reviewer workflow in a real browser: log in, take next by keyboard, cite, decide, hand
over, a second person publishes; two people editing one claim see the conflict."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reviews.models import ReviewItem, Status, Verdict
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = b"""<html><head><title>Sea level report</title>
<meta property="og:site_name" content="Met Office"></head><body><article>
<h1>Sea level report</h1><p>Global mean sea level rose about 20 cm between 1900 and 2018,
according to tide gauges and, since 1993, satellite altimetry.</p></article></body></html>"""


@pytest.fixture
def team(workflow):
    UserFactory.create(username="checker", roles=["Fact-checkers"])
    UserFactory.create(username="checker2", roles=["Fact-checkers"])
    UserFactory.create(username="editor", roles=["Editors"])


def test_take_cite_decide_hand_over_and_publish(open_session, team, local_server):
    local_server.routes["/report"] = (200, {"Content-Type": "text/html"}, REPORT)
    urgent = ReviewItemFactory.create(priority=0.9, claim__speaker="Dr Jane Smith")
    ReviewItemFactory.create(priority=0.2)

    checker = open_session("checker")
    expect(checker.page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(checker.page.locator("#count-unassigned")).to_have_text("2")  # swapped in by HTMX
    checker.screenshot("queue")
    checker.page.keyboard.press("t")  # take next
    checker.page.wait_for_url(f"**/claims/{urgent.pk}/")
    page = checker.page
    expect(page.locator("#lease")).to_contain_text("You hold this claim")
    expect(page.locator("#lease .badge")).to_have_text("In progress")  # take next started it
    # Status badges are outlined in the status colour, not filled red like the unread count.
    background = page.locator("#lease .badge").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"
    expect(page.locator("mark")).to_contain_text("Global sea level rose")

    page.keyboard.press("c")  # jumps to the citation URL field
    expect(page.get_by_label("Source URL")).to_be_focused()
    page.keyboard.type(local_server.url("/report"))
    page.get_by_label("Quoted passage").fill("about 20 cm between 1900 and 2018")
    page.get_by_role("button", name="Add citation").click()
    # Swapped in by HTMX; the title came from the page itself, fetched in the background.
    expect(page.locator("#citations")).to_contain_text("Sea level report")
    expect(page.locator("#citations")).to_contain_text("Met Office")

    page.get_by_label("Status").select_option(label="Ready to publish")
    page.get_by_label("Verdict").select_option(label="Mostly true")
    page.get_by_label("Explanation").fill("Tide gauges and satellites agree on about 20 cm.")
    checker.screenshot("claim-page")
    page.get_by_role("button", name="Save and hand over").click()
    expect(page.get_by_role("status")).to_contain_text("Saved and handed over")
    expect(page.locator("#lease")).to_contain_text("Nobody holds this claim")

    editor = open_session("editor")
    editor.page.goto(f"{editor.base_url}/claims/{urgent.pk}/")
    editor.page.get_by_label("Status").select_option(label="Published")
    editor.page.get_by_role("button", name="Save review").click()
    expect(editor.page.locator("#lease")).to_contain_text("Published by editor")
    expect(editor.page.get_by_role("button", name="Add citation")).to_have_count(0)  # locked
    editor.screenshot("published-claim")
    editor.page.get_by_role("link", name="Dashboard").click()
    expect(editor.page.get_by_role("heading", name="Backlog by status")).to_be_visible()
    for row in editor.page.locator("table.bars tr").all():  # label, bar and count on one line
        box = row.bounding_box()
        assert box is not None
        assert box["height"] < 32, row.inner_text()
    editor.screenshot("dashboard")

    item = ReviewItem.objects.select_related("status", "verdict", "published_by").get(pk=urgent.pk)
    assert item.status.slug == "published"
    assert item.verdict is not None
    assert item.verdict.slug == "mostly-true"
    assert item.published_by is not None
    assert item.published_by.username == "editor"
    assert item.decided_by is not None
    assert item.decided_by.username == "checker"


def test_keyboard_moves_through_the_queue(open_session, team):
    items = [ReviewItemFactory.create(priority=p) for p in (0.9, 0.5, 0.1)]
    checker = open_session("checker")
    checker.page.keyboard.press("j")
    checker.page.keyboard.press("j")
    checker.page.keyboard.press("Enter")
    checker.page.wait_for_url(f"**/claims/{items[1].pk}/")
    checker.page.keyboard.press("j")  # on the claim page: next claim in queue order
    checker.page.wait_for_url(f"**/claims/{items[2].pk}/")
    checker.page.keyboard.press("?")
    expect(checker.page.get_by_role("dialog")).to_contain_text("Keyboard shortcuts")


def test_two_people_editing_one_claim_see_the_conflict(open_session, team):
    item = ReviewItemFactory.create()
    first = open_session("checker")
    second = open_session("checker2")
    for session in (first, second):
        session.page.goto(f"{session.base_url}/claims/{item.pk}/")

    first.page.get_by_label("Explanation").fill("First explanation: the figure is right.")
    first.page.get_by_role("button", name="Save review").click()
    expect(first.page.get_by_role("status")).to_contain_text("Saved")

    second.page.get_by_label("Explanation").fill("Second explanation, written in parallel.")
    second.page.get_by_role("button", name="Save review").click()
    conflict = second.page.get_by_role("alert")
    expect(conflict).to_contain_text(re.compile("Not saved: checker saved this claim"))
    expect(conflict).to_contain_text("First explanation: the figure is right.")
    expect(conflict).to_contain_text("Second explanation, written in parallel.")
    second.screenshot("conflict")
    item.refresh_from_db()
    assert item.explanation == "First explanation: the figure is right."


def test_my_own_save_in_another_tab_is_named_and_my_edit_kept(open_session, team):
    item = ReviewItemFactory.create()
    session = open_session("checker")
    first, second = session.page, session.context.new_page()
    for page in (first, second):
        page.goto(f"{session.base_url}/claims/{item.pk}/")
    first.get_by_label("Explanation").fill("Saved from the first tab.")
    first.get_by_role("button", name="Save review").click()
    expect(first.get_by_role("status")).to_contain_text("Saved")

    second.get_by_label("Status").select_option(label="Ready to publish")
    second.get_by_label("Verdict").select_option(label="False")
    second.get_by_label("Explanation").fill("Written in the second tab.")
    second.get_by_role("button", name="Save review").click()
    conflict = second.get_by_role("alert")
    expect(conflict).to_contain_text("Not saved: you, in another tab saved this claim")
    expect(conflict.locator("[data-conflict=mine]")).to_contain_text("Ready to publish")
    expect(conflict.locator("[data-conflict=mine]")).to_contain_text("False")
    # The form still holds the whole unsaved edit.
    expect(second.get_by_label("Status")).to_have_value(
        str(Status.objects.get(slug="ready-to-publish").pk)
    )
    expect(second.get_by_label("Verdict")).to_have_value(str(Verdict.objects.get(slug="false").pk))
    expect(second.get_by_label("Explanation")).to_have_value("Written in the second tab.")
