"""A claim in French, checked before in English: the claim page shows the English claim's
verdict under "Same claim, other language", found by the real multilingual model."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.services.matching import claim_match
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, publish

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = "The MMR vaccine causes autism in children."
FRENCH = "Le vaccin ROR provoque l'autisme chez les enfants."


def test_the_claim_page_offers_the_same_claim_checked_in_another_language(open_session, workflow):
    checker = UserFactory.create(username="checker", roles=["Fact-checkers"])
    editor = UserFactory.create(username="editor", roles=["Editors"])
    english = ReviewItemFactory.create(
        claim__text=ENGLISH, claim__self_contained_text=ENGLISH, claim__article__language="en"
    )
    claim_match(claim=english.claim)  # its vectors, as the pipeline gives every claim
    publish(english, checker=checker, editor=editor, verdict="false")
    french = ReviewItemFactory.create(
        claim__text=FRENCH, claim__self_contained_text=FRENCH, claim__article__language="fr"
    )
    match = claim_match(claim=french.claim)
    assert match is not None
    assert match.claim_id == english.claim_id
    assert not match.linked

    session = open_session("checker")
    page = session.page
    page.goto(f"{session.base_url}/claims/{french.pk}/")
    box = page.locator("section.other-language")
    expect(box.get_by_role("heading", name="Same claim, other language")).to_be_visible()
    expect(box).to_contain_text("Checked before in English")
    expect(box).to_contain_text("False")  # the earlier verdict
    expect(box.locator("blockquote")).to_have_text(ENGLISH)
    expect(box.locator("blockquote")).to_have_attribute("lang", "en")
    expect(page.locator("p.meta .language")).to_have_text("French")  # the claim's own
    session.screenshot("claim-other-language")
    box.get_by_role("link", name=f"claim #{english.claim_id}").click()
    page.wait_for_url(f"**/claims/{english.pk}/")
    expect(page.locator("h1.claim-text")).to_contain_text("MMR vaccine")
