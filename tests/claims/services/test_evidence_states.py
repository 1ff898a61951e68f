"""What a claim's evidence comes to (relevant, none relevant, unavailable) through the pipeline,
on the claim page, in the API and in the queue filter; and the faults that must not stop it."""

from __future__ import annotations

import pytest

from claims.models import Article, Claim, Evidence
from claims.services import pipeline
from claims.services.articles import article_submit
from library.evidence import embedder, relevance
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError
from reviews.models import ReviewItem

OFF_TOPIC_ARTICLE = """Talks stall
Russian forces shelled the Zaporizhzhia nuclear power plant twice on Monday, the IAEA said.
The plant's six reactors have been in cold shutdown since 2022, officials reported."""
SEA_ARTICLE = """Sea levels
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC."""


@pytest.fixture
def climate_library(db, run_tasks):
    """Passages on the climate, embedded, none about the nuclear plant (the issue's report)."""
    from library.services.sources import source_document_upsert

    documents = {
        "heat": "Moscow recorded its highest temperature ever, 38.2 °C, in July 2010.",
        "ice": "Arctic sea ice reached a record low extent in September 2012.",
        "sea": "Between 1901 and 2018, the global mean sea level rose by 15–25 cm.",
    }
    for name, text in documents.items():
        run_tasks(
            source_document_upsert,
            url=f"https://example.org/{name}",
            title="",
            publisher="Example",
            text=text,
        )


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _claims(run_tasks, text: str) -> list[Claim]:
    article, _ = run_tasks(article_submit, text=text)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    return list(article.claims.all())


def test_off_topic_library_gives_no_relevant_source(workflow, climate_library, run_tasks):
    claims = _claims(run_tasks, OFF_TOPIC_ARTICLE)
    assert claims
    for claim in claims:
        assert claim.evidence_state == Claim.EvidenceState.NONE_RELEVANT
        assert not claim.evidence.filter(relevant=True).exists()
        # Kept, not thrown away: the collapsed list shows what was found.
        assert claim.evidence.filter(relevant=False).exists()
        assert ReviewItem.objects.filter(claim=claim).exists()


def test_the_claim_page_says_no_relevant_source_and_what_was_consulted(
    workflow, climate_library, run_tasks, logged_in, monkeypatch
):
    class DownWiki:
        name = "mediawiki"

        def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
            raise ProviderUnavailableError("HTTP 503")

    from library.evidence import registry

    real = registry.get_providers()
    monkeypatch.setattr(pipeline, "get_providers", lambda: (*real, DownWiki()))
    claim = _claims(run_tasks, OFF_TOPIC_ARTICLE)[0]
    page = logged_in.get(f"/claims/{claim.review.pk}/").content.decode()
    assert (
        "No relevant source in the library; consulted: library, fact-checks, "
        "Wikipedia (unavailable)" in page
    )
    assert "Low relevance (" in page
    assert "may " not in page.split('id="evidence-h"')[1].split("</section>")[0]


def test_relevant_evidence_is_listed_with_its_relevance(
    workflow, climate_library, run_tasks, logged_in
):
    claim = _claims(run_tasks, SEA_ARTICLE)[0]
    assert claim.evidence_state == Claim.EvidenceState.RELEVANT
    listed = claim.evidence.get(relevant=True)
    assert "15–25 cm" in listed.snippet
    page = logged_in.get(f"/claims/{claim.review.pk}/").content.decode()
    assert f"relevance {listed.relevance:.2f}" in page
    assert listed.get_stance_display() in page  # supports / refutes / … / stance unclear


def test_an_empty_library_is_no_relevant_source(workflow, run_tasks, logged_in):
    claim = _claims(run_tasks, SEA_ARTICLE)[0]
    assert claim.evidence_state == Claim.EvidenceState.NONE_RELEVANT
    assert not claim.evidence.exists()
    assert claim.evidence_providers == ["library", "factchecks"]
    page = logged_in.get(f"/claims/{claim.review.pk}/").content.decode()
    assert "No relevant source in the library; consulted: library, fact-checks" in page


def test_a_missing_model_marks_evidence_unavailable_and_the_claim_still_reaches_the_queue(
    workflow, climate_library, run_tasks, logged_in, tmp_path, monkeypatch
):
    monkeypatch.setattr(embedder, "MODEL_PATH", tmp_path / "missing.onnx")
    embedder.get_embedder.cache_clear()
    relevance.get_relevance_model.cache_clear()
    try:
        claim = _claims(run_tasks, SEA_ARTICLE)[0]
    finally:
        embedder.get_embedder.cache_clear()
    assert claim.evidence_state == Claim.EvidenceState.UNAVAILABLE
    assert ReviewItem.objects.filter(claim=claim).exists()
    assert claim.evidence.exists()  # lexical search still found the passage: kept, unscored
    assert not claim.evidence.filter(relevant=True).exists()
    page = logged_in.get(f"/claims/{claim.review.pk}/").content.decode()
    assert "Evidence unavailable: model missing" in page
    assert "Unscored candidates (" in page


def test_a_megabyte_claim_gets_an_outcome(workflow, climate_library, logged_in):
    from tests.reviews.factories import ReviewItemFactory

    item = ReviewItemFactory.create()
    claim = item.claim
    huge = "sea level rose " * (1_000_000 // 15)
    Claim.objects.filter(pk=claim.pk).update(
        self_contained_text=huge, evidence_state=Claim.EvidenceState.PENDING
    )
    claim.refresh_from_db()
    pipeline.claim_gather_evidence(claim)()
    claim.refresh_from_db()
    assert len(claim.self_contained_text) > 990_000  # nothing cut from the stored claim
    assert claim.evidence_state in {
        Claim.EvidenceState.RELEVANT,
        Claim.EvidenceState.NONE_RELEVANT,
    }
    assert logged_in.get(f"/claims/{item.pk}/").status_code == 200


def test_the_api_gives_the_evidence_state_and_filters_by_it(
    workflow, climate_library, run_tasks, key_client
):
    claim = _claims(run_tasks, OFF_TOPIC_ARTICLE)[0]
    relevant_claim = _claims(run_tasks, SEA_ARTICLE)[0]
    api = key_client("claims:read_all")
    detail = api.get(f"/api/v1/claims/{claim.pk}").json()
    assert detail["evidence_state"] == "none"
    page = api.get("/api/v1/claims?evidence_state=none").json()
    ids = {row["id"] for row in page["results"]}
    assert claim.pk in ids
    assert relevant_claim.pk not in ids
    assert api.get("/api/v1/claims?evidence_state=maybe").status_code == 400
    evidence = api.get(f"/api/v1/claims/{relevant_claim.pk}/evidence").json()
    assert evidence[0]["relevant"] is True
    assert 0 <= evidence[0]["relevance"] <= 1
    assert evidence[0]["stance_hint"] in {
        "supports",
        "refutes",
        "not_enough_information",
        "unclear",
    }
    assert all(e["stance_hint"] == "unclear" for e in evidence if not e["relevant"])


def test_the_queue_filters_claims_with_no_relevant_source(
    workflow, climate_library, run_tasks, logged_in
):
    claim = _claims(run_tasks, OFF_TOPIC_ARTICLE)[0]
    relevant_claim = _claims(run_tasks, SEA_ARTICLE)[0]
    page = logged_in.get("/?evidence=none").content.decode()
    assert f'href="/claims/{claim.review.pk}/"' in page
    assert f'href="/claims/{relevant_claim.review.pk}/"' not in page
    assert '<option value="none" selected>' in page


def test_listed_evidence_comes_first_then_by_relevance(workflow, key_client):
    from tests.reviews.factories import ReviewItemFactory

    claim = ReviewItemFactory.create().claim
    rows = [("low", False, 0.1, 9.0), ("unscored", True, None, 5.0), ("top", True, 0.9, 0.1)]
    for name, listed, score, provider_score in rows:
        Evidence.objects.create(
            claim=claim,
            provider="library",
            url=f"https://example.org/{name}",
            title=name,
            score=provider_score,
            relevance=score,
            relevant=listed,
            hit_key=name,
        )
    api = key_client("claims:read_all")
    titles = [e["title"] for e in api.get(f"/api/v1/claims/{claim.pk}/evidence").json()]
    assert titles == ["top", "unscored", "low"]
