"""The claim page's evidence panel in a real browser: the "no relevant source" state with
what was consulted, the collapsed low-relevance list, and the queue's evidence filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Evidence
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _evidence(claim: Claim, title: str, *, relevance: float, relevant: bool, **extra: str) -> None:
    Evidence.objects.create(
        claim=claim,
        provider="library",
        url=f"https://example.org/{title.replace(' ', '-')}",
        title=title,
        snippet=f"{title}: the passage.",
        score=0.03,
        relevance=relevance,
        relevant=relevant,
        hit_key=title,
        **extra,
    )


def test_no_relevant_source_and_the_low_relevance_list(open_session, workflow):
    UserFactory.create(username="checker", roles=["Fact-checkers"])
    nothing = ReviewItemFactory.create(
        claim__text="The nuclear plant was shelled on the eve of the peace talks.",
        claim__evidence_state=Claim.EvidenceState.NONE_RELEVANT,
        claim__evidence_providers=["library", "factchecks", "mediawiki"],
        claim__evidence_errors=["mediawiki unavailable"],
    )
    _evidence(
        nothing.claim, "Highest temperature ever recorded in Moscow", relevance=0.02, relevant=False
    )
    _evidence(nothing.claim, "Arctic sea ice minimum", relevance=0.04, relevant=False)
    found = ReviewItemFactory.create(claim__evidence_state=Claim.EvidenceState.RELEVANT)
    _evidence(found.claim, "Sea level rise", relevance=0.91, relevant=True, stance="supports")

    checker = open_session("checker")
    checker.page.goto(f"{checker.base_url}/claims/{nothing.pk}/")
    panel = checker.page.locator(".evidence-panel")
    expect(panel.get_by_role("status")).to_have_text(
        "No relevant source in the library; consulted: library, fact-checks, "
        "Wikipedia (unavailable)"
    )
    moscow = panel.get_by_role("link", name="Highest temperature ever recorded in Moscow")
    expect(moscow).to_be_hidden()  # collapsed until asked for
    panel.get_by_text("Low relevance (2)").click()
    expect(moscow).to_be_visible()
    expect(panel).not_to_contain_text("may ")
    expect(panel).not_to_contain_text("supports")  # no stance on low-relevance items
    checker.screenshot("claim-no-relevant-source")

    checker.page.goto(f"{checker.base_url}/claims/{found.pk}/")
    listed = checker.page.locator(".evidence-panel ol.evidence > li").first
    expect(listed).to_contain_text("relevance 0.91")
    expect(listed.locator(".stance")).to_have_text("supports")

    checker.page.goto(f"{checker.base_url}/")
    checker.page.get_by_label("Evidence").select_option("none")
    checker.page.wait_for_url("**evidence=none**")
    rows = checker.page.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("nuclear plant")
