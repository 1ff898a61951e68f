"""Matching through the reviewed-claims index: the same answers as comparing every reviewed
claim, without reading every vector, and right between index refreshes (a verdict set or
cleared a second ago counts). Reviewed claims here are the review app's (a verdict)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from usearch.index import Index

from benchmarks.matching import every_candidate
from claims.matching import best_match
from claims.models import Claim
from claims.services.matching import (
    NEIGHBOURS,
    claim_index_refresh,
    claim_match,
    match_candidates_near,
)
from library.evidence.embedder import DIMENSIONS, model_version, to_bytes
from reviews.models import ReviewItem, Verdict
from reviews.services.queue import review_items_enqueue_for_article
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory
from tests.reviews.factories import ReviewItemFactory, hand_over

REVIEWED = "The unemployment rate in Spain fell to 11 percent in the last quarter of 2024."


def _in_index() -> set[int]:
    """The claim ids in this machine's index file, as another process would read them."""
    index = Index.restore(str(Path(settings.CLAIMDESK_DENSE_INDEX_DIR) / "claims.usearch"))
    assert index is not None
    return {int(key) for key in index.keys}


def _matched(text: str) -> Claim:
    claim = ClaimFactory.create(self_contained_text=text)
    claim_match(claim=claim)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def reviewed(workflow, user):
    """A reviewed claim, in the index: matched as the pipeline does, then given a verdict."""
    claim = _matched(REVIEWED)
    item = ReviewItemFactory.create(claim=claim)
    hand_over(item, user, "in-progress", "false")
    claim_index_refresh()
    return claim


def test_a_claim_reviewed_after_the_index_was_refreshed_is_matched_at_once(
    workflow, user, django_capture_on_commit_callbacks
):
    claim_index_refresh()  # an index with no reviewed claim in it
    earlier = _matched(REVIEWED)
    item = ReviewItemFactory.create(claim=earlier)
    assert claim_match(claim=ClaimFactory.create(self_contained_text=REVIEWED)) is None
    with django_capture_on_commit_callbacks() as refreshes:
        hand_over(item, user, "in-progress", "false")  # the verdict makes it reviewed
    assert len(refreshes) == 1  # the index refresh is queued, not run
    assert earlier.pk not in _in_index()
    match = claim_match(claim=ClaimFactory.create(self_contained_text=REVIEWED))
    assert match is not None
    assert match.claim_id == earlier.pk
    assert match.linked


def test_a_claim_whose_verdict_was_cleared_is_no_longer_matched(reviewed, user):
    assert claim_match(claim=ClaimFactory.create(self_contained_text=REVIEWED)) is not None
    item = ReviewItem.objects.get(claim=reviewed)
    review_item_update(item_id=item.pk, user=user, expected_version=item.version, verdict=None)
    assert reviewed.pk in _in_index()
    assert claim_match(claim=ClaimFactory.create(self_contained_text=REVIEWED)) is None


def test_an_inherited_verdict_makes_a_claim_reviewed(reviewed, django_capture_on_commit_callbacks):
    repeat = _matched(REVIEWED)
    assert repeat.cluster_id == reviewed.pk
    with django_capture_on_commit_callbacks(execute=True):
        review_items_enqueue_for_article(article_id=repeat.article_id)
    assert repeat.pk in _in_index()


def _reviewed_vectors(count: int, rng: np.random.Generator) -> tuple[list[int], np.ndarray]:
    """`count` reviewed claims with random unit vectors in a few clusters and some entities,
    written straight to the table (as a bulk import would), then indexed."""
    centres = rng.normal(size=(8, DIMENSIONS))
    vectors = centres[rng.integers(0, 8, count)] + rng.normal(0, 0.6, (count, DIMENSIONS))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    verdict = Verdict.objects.get(slug="false")
    claims = []
    for number, vector in enumerate(vectors):
        claim = ClaimFactory.create(
            self_contained_text=f"Synthetic reviewed claim number {number} rose by 3 percent.",
            entities=[f"E{number % 7}"] if number % 3 else [],
            embedding=to_bytes(vector),
            embedding_model=model_version(),
        )
        ReviewItemFactory.create(claim=claim, verdict=verdict)
        claims.append(claim.pk)
    claim_index_refresh()
    return claims, vectors


def test_matching_through_the_index_agrees_with_comparing_every_reviewed_claim(workflow):
    """A newsroom's first EXACT_UP_TO reviewed claims are scanned, not walked: every query
    agrees. The graph's recall at scale is the matching benchmark's (tests/benchmarks)."""
    rng = np.random.default_rng(3)
    _, vectors = _reviewed_vectors(300, rng)
    everything = every_candidate()
    model = model_version()
    agree = 0
    for number in range(100):
        query = vectors[rng.integers(0, len(vectors))] + rng.normal(0, 0.05, DIMENSIONS)
        query = (query / np.linalg.norm(query)).astype(np.float32)
        entities = [f"E{number % 7}"]
        claim = ClaimFactory.create(self_contained_text=f"Query {number}")
        common = {
            "text": claim.self_contained_text,
            "vector": query,
            "entities": entities,
            "suggest_at": 0.0,  # always a match, so every query compares a winner
            "link_at": 0.9,
            "min_words": 8,
        }
        near = match_candidates_near(claim=claim, vector=query, model=model)
        assert len(near.ids) <= NEIGHBOURS
        agree += best_match(candidates=near, **common) == best_match(
            candidates=everything, **common
        )
    assert agree == 100


def test_matching_reads_the_neighbours_only_not_every_vector(workflow):
    rng = np.random.default_rng(4)
    _, vectors = _reviewed_vectors(200, rng)
    claim = ClaimFactory.create(self_contained_text="Query")
    with CaptureQueriesContext(connection) as queries:
        match_candidates_near(claim=claim, vector=vectors[5], model=model_version())
    assert len(queries) <= 3  # fresh keys, their vectors when the index lacks some, re-check
    reading_vectors = [
        q["sql"] for q in queries if '"claims_claim"."embedding"' in q["sql"].split(" FROM ")[0]
    ]
    assert reading_vectors
    for sql in reading_vectors:
        ids = re.search(r'"claims_claim"\."id" IN \(([^)]*)\)', sql)
        assert ids is not None, sql
        assert len(ids.group(1).split(",")) <= NEIGHBOURS
