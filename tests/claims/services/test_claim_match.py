"""Claim matching: suggestions above one threshold, clusters above the other, and the rules
that keep a verdict from being inherited by a claim that only looks the same."""

import pytest

from claims.matching import Candidates, best_match, same_content
from claims.models import Claim
from claims.ports import ports_replaced
from claims.services.matching import claim_match
from library.evidence.embedder import get_embedder
from tests.claims.factories import ClaimFactory

REVIEWED = "The unemployment rate in Spain fell to 11 percent in the last quarter of 2024."


def reviewed_for_tests():
    """Stands in for the review app's selector (the match_candidates port)."""
    return Claim.objects.filter(speaker="Reviewed")


@pytest.fixture
def reviewed(db):
    with ports_replaced(match_candidates=reviewed_for_tests):
        yield _reviewed_claim()


def _reviewed_claim():
    claim = ClaimFactory.create(
        self_contained_text=REVIEWED,
        speaker="Reviewed",
        entities=["Spain", "11 percent", "2024"],
        evidence_state=Claim.EvidenceState.RELEVANT,
    )
    claim_match(claim=claim)  # gives it its embedding, as the pipeline does
    claim.refresh_from_db()
    return claim


def _new(text, entities=()):
    return ClaimFactory.create(self_contained_text=text, entities=list(entities))


def test_the_same_claim_again_joins_the_reviewed_claims_cluster(reviewed):
    claim = _new("The unemployment rate in Spain fell to 11 percent in the last quarter of 2024!")
    match = claim_match(claim=claim)
    claim.refresh_from_db()
    assert match is not None
    assert match.linked
    assert claim.similar_claim_id == reviewed.pk
    assert claim.cluster_id == reviewed.pk
    assert claim.similarity >= 0.9
    assert claim.embedding_model


def test_a_reworded_claim_is_suggested_but_not_linked(reviewed):
    claim = _new(
        "Spain's jobless rate dropped to 11 percent in the final quarter of 2024.",
        ["Spain", "11 percent", "2024"],
    )
    claim_match(claim=claim)
    claim.refresh_from_db()
    assert claim.similar_claim_id == reviewed.pk
    assert claim.cluster_id is None


def test_a_claim_with_another_number_is_never_linked(reviewed, settings):
    settings.CLAIMDESK_MATCH_AUTOLINK_THRESHOLD = 0.5
    claim = _new("The unemployment rate in Spain fell to 21 percent in the last quarter of 2024.")
    claim_match(claim=claim)
    claim.refresh_from_db()
    assert claim.similar_claim_id == reviewed.pk
    assert claim.cluster_id is None


def test_an_unrelated_claim_gets_no_suggestion(reviewed):
    claim = _new("The new bridge over the river will open to traffic in March.")
    assert claim_match(claim=claim) is None
    claim.refresh_from_db()
    assert claim.similar_claim_id is None
    assert claim.similarity is None


def test_joining_a_member_joins_the_root_of_its_cluster(reviewed):
    member = _new(REVIEWED)
    member.speaker = "Reviewed"  # reviewed itself, and linked to the first
    member.save()
    claim_match(claim=member)
    member.refresh_from_db()
    assert member.cluster_id == reviewed.pk
    Claim.objects.filter(pk=reviewed.pk).update(speaker="")  # only the member is a candidate
    claim = _new(REVIEWED)
    claim_match(claim=claim)
    claim.refresh_from_db()
    assert claim.similar_claim_id == member.pk
    assert claim.cluster_id == reviewed.pk


def _candidates(*texts):
    vectors = get_embedder().embed(list(texts))
    return Candidates(
        ids=list(range(1, len(texts) + 1)),
        vectors=vectors,
        entities=[[] for _ in texts],
        texts=list(texts),
    )


def test_short_claims_are_never_auto_linked():
    text = "Vaccines cause autism."
    match = best_match(
        text=text,
        vector=get_embedder().embed([text])[0],
        entities=[],
        candidates=_candidates(text),
        suggest_at=0.5,
        link_at=0.5,
        min_words=8,
    )
    assert match is not None
    assert match.score > 0.99
    assert not match.linked


def test_entity_overlap_moves_the_score():
    text = "The minister said inflation in France reached 5 percent last year."
    vector = get_embedder().embed([text])[0]
    common = {
        "text": text,
        "vector": vector,
        "candidates": _candidates(text),
        "suggest_at": 0.0,
        "link_at": 1.0,
        "min_words": 8,
    }
    shared = best_match(entities=["France", "5 percent"], **common)
    candidates = common.pop("candidates")
    disjoint = best_match(
        entities=["Germany"],
        candidates=Candidates(candidates.ids, candidates.vectors, [["France"]], candidates.texts),
        **common,
    )
    assert shared is not None
    assert disjoint is not None
    assert disjoint.score < shared.score


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("The tax cut helps the middle class.", "The tax cut helps middle class!", True),
        (
            "Exercise raises blood pressure in adults.",
            "Exercise lowers blood pressure in adults.",
            False,
        ),
        ("Coffee causes cancer in adults.", "Coffee does not cause cancer in adults.", False),
        ("Men earn more than women.", "Women earn more than men.", False),
        ("Unemployment is 5% in Ohio.", "Unemployment is 7% in Ohio.", False),
    ],
)
def test_same_content_demands_the_same_words_in_order(a, b, same):
    assert same_content(a, b) is same


def test_matching_without_the_model_leaves_the_claim_unmatched(reviewed, monkeypatch):
    from library.evidence import hybrid
    from library.evidence.embedder import EmbedderUnavailableError

    def unavailable():
        raise EmbedderUnavailableError("No embedding model file at /nowhere.")

    monkeypatch.setattr(hybrid, "get_embedder", unavailable)
    hybrid.embed_query.cache_clear()
    claim = _new(REVIEWED)
    assert claim_match(claim=claim) is None
    hybrid.embed_query.cache_clear()
    claim.refresh_from_db()
    assert claim.cluster_id is None
    assert claim.embedding is None
