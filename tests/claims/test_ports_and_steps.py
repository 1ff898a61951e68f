"""The step table and the ports the review app plugs into."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from claims import ports, steps
from claims.models import Article
from reviews.selectors import claims_reviewed
from reviews.services.queue import review_items_enqueue_for_article


def test_the_reviews_app_registers_its_ports():
    assert ports.get_review_handoff() is review_items_enqueue_for_article
    assert ports.get_match_candidates() is claims_reviewed


def test_a_missing_hand_off_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(ports, "_review_handoff", None)
    with pytest.raises(ImproperlyConfigured, match="review hand-off"):
        ports.get_review_handoff()


def test_ports_replaced_restores_the_registered_ones():
    def nothing_known():
        return claims_reviewed().none()

    with ports.ports_replaced(match_candidates=nothing_known):
        assert ports.get_match_candidates() is nothing_known
    assert ports.get_match_candidates() is claims_reviewed


def test_the_table_decides_the_next_step():
    State = Article.State
    url = Article(input_kind=Article.InputKind.URL, state=State.QUEUED)
    text = Article(input_kind=Article.InputKind.TEXT, raw_content="x", state=State.QUEUED)

    def task(article):
        step = steps.next_step(article)
        return step.task if step else None

    assert task(url) == "claims.article_fetch"
    assert task(text) == "claims.article_extract"
    assert task(Article(state=State.GATHERING)) == "claims.claim_gather_evidence"
    assert task(Article(state=State.READY)) is None
    assert steps.WORKING_STATES == (
        State.QUEUED,
        State.FETCHING,
        State.EXTRACTING,
        State.GATHERING,
    )
