"""Pipeline services with in-process tasks (eager): each step, re-runs, failures, the sweeper."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from claims import steps
from claims.models import Article, Claim, Evidence
from claims.services import pipeline
from claims.services.articles import article_retry, article_submit
from core.errors import TransientError
from core.http_client import DeadlineExceededError
from library.evidence.base import EvidenceCandidate, ProviderUnavailableError
from library.services.sources import source_document_upsert
from reviews.models import Activity, ReviewItem

ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
"The rate of rise has doubled since the 1990s," said Dr. Jane Smith, an oceanographer.
Is this the end of coastal cities? We should all worry.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""


def test_text_article_goes_all_the_way_to_the_queue(workflow, library, run_tasks):
    article, _ = run_tasks(article_submit, text=ARTICLE)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert article.title == "Sea levels rising faster"
    claims = list(article.claims.all())
    texts = [c.text for c in claims]
    assert any("20 centimetres" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)  # the rhetorical question is not a claim
    assert article.claims_total == len(claims)
    for claim in claims:
        assert article.text[claim.sentence_start : claim.sentence_end] == claim.sentence
        assert claim.evidence_state in {
            Claim.EvidenceState.RELEVANT,
            Claim.EvidenceState.NONE_RELEVANT,
        }
        assert claim.evidence_providers == ["library", "factchecks"]
    quote = next(c for c in claims if "doubled" in c.text)
    assert quote.speaker == "Dr. Jane Smith"
    assert quote.speaker_kind == Claim.SpeakerKind.PERSON
    assert quote.is_quote
    sea_claim = next(c for c in claims if "20 centimetres" in c.text)
    assert (sea_claim.speaker, sea_claim.speaker_kind) == ("IPCC", "organization")
    assert sea_claim.evidence_state == Claim.EvidenceState.RELEVANT
    assert sea_claim.evidence.filter(snippet__contains="15–25 cm", relevant=True).exists()
    assert ReviewItem.objects.filter(claim__article=article).count() == len(claims)
    assert Activity.objects.filter(claim__article=article, verb="queued").count() == len(claims)


def test_every_step_can_run_twice_without_harm(workflow, library, run_tasks):
    article, _ = run_tasks(article_submit, text=ARTICLE)
    counts = (Claim.objects.count(), Evidence.objects.count(), ReviewItem.objects.count())
    run_tasks(steps.run_step, task="claims.article_extract", article_id=article.pk)
    for claim in Claim.objects.all():
        run_tasks(steps.claim_gather_evidence, claim_id=claim.pk)
    run_tasks(steps.article_finish, article_id=article.pk)
    assert (Claim.objects.count(), Evidence.objects.count(), ReviewItem.objects.count()) == counts
    article.refresh_from_db()
    assert article.attempts == 1


def test_same_story_under_another_url_is_a_duplicate(workflow, local_server, run_tasks):
    page = f"<html><body><article><p>{ARTICLE}</p></article></body></html>".encode()
    local_server.routes["/one"] = (200, {"Content-Type": "text/html"}, page)
    local_server.routes["/two"] = (200, {"Content-Type": "text/html"}, page)
    first, _ = run_tasks(article_submit, url=local_server.url("/one"))
    second, _ = run_tasks(article_submit, url=local_server.url("/two"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Article.State.READY
    assert second.state == Article.State.DUPLICATE
    assert second.duplicate_of_id == first.pk
    assert second.claims.count() == 0


def test_unreachable_url_fails_with_reason_and_can_be_retried(workflow, local_server, run_tasks):
    local_server.routes["/gone"] = (404, {}, b"")
    article, _ = run_tasks(article_submit, url=local_server.url("/gone"))
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "404" in article.last_error
    local_server.routes["/gone"] = (200, {"Content-Type": "text/plain"}, ARTICLE.encode())
    run_tasks(article_retry, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert article.claims.count() > 0


def test_transient_fetch_error_propagates_for_retry(db, local_server):
    local_server.routes["/busy"] = (503, {}, b"")
    article, _ = article_submit(url=local_server.url("/busy"))
    with pytest.raises(TransientError):
        steps.run_step("claims.article_fetch", article_id=article.pk)
    article.refresh_from_db()
    assert article.state == Article.State.FETCHING  # still owed work: a retry or the sweeper


def test_retries_exhausted_marks_failed(db, local_server, settings):
    """The task's on_failure hook records the final error on the article."""
    from config.celery_app import app

    article_fetch = app.tasks["claims.article_fetch"]
    local_server.routes["/busy"] = (503, {}, b"")
    article, _ = article_submit(url=local_server.url("/busy"))
    article_fetch.max_retries = 0
    try:
        # throw=False: handle the failure as a worker does (eager propagation skips on_failure).
        result = article_fetch.apply(kwargs={"article_id": article.pk}, throw=False)
    finally:
        article_fetch.max_retries = 5
    assert result.failed()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "503" in article.last_error


def test_a_page_that_trickles_in_fails_at_the_deadline_and_is_retried(db, drip_server, settings):
    """One byte a second never trips the per-read timeout; the whole-request deadline stops
    the fetch, as a transient error: retried with backoff, then recorded on the article."""
    from config.celery_app import app

    settings.CLAIMDESK_FETCH_DEADLINE_S = 2
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n"
    server = drip_server(head + b"<p>" * 166, prompt=len(head))
    article, _ = article_submit(url=server.url("/slow"))

    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):  # a TransientError: the task's autoretry_for
        steps.run_step("claims.article_fetch", article_id=article.pk, task_id="fetch-1")
    assert time.monotonic() - started < 3.5
    article.refresh_from_db()
    assert article.state == Article.State.FETCHING  # still owed work: a retry or the sweeper

    article_fetch = app.tasks["claims.article_fetch"]
    article_fetch.max_retries = 0
    try:  # the same message again (its retry), which may take over its own step lease
        result = article_fetch.apply(
            kwargs={"article_id": article.pk}, task_id="fetch-1", throw=False
        )
    finally:
        article_fetch.max_retries = 5
    assert result.failed()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.last_error.startswith("DeadlineExceededError: Gave up on http://127.0.0.1")
    assert "within the 2 s deadline" in article.last_error


def test_article_without_text_fails_clearly(workflow, run_tasks):
    article, _ = run_tasks(article_submit, html="<html><body><nav>Menu</nav><p>.</p></body></html>")
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.last_error == "No article text could be extracted."


OFFSETS_ARTICLE = (
    "Kyiv ready to resume grain exports\r\nBy Ann Lee\r\n\r\n"
    "Dmytro Kuleba, the country's foreign minister, told CNN that Ukraine is prepared to "
    "resume grain exports.\r\n"
    "Given that the 2015 budget was never passed, how can we trust them?\r\n"
    "Café owners in Zürich said prices rose 12 percent in 2023 (東京 saw 4 percent).\r\n"
)


def test_stored_offsets_index_the_stored_text_for_every_claim(workflow, library, run_tasks):
    article, _ = run_tasks(article_submit, text=OFFSETS_ARTICLE)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    claims = list(article.claims.all())
    assert len(claims) >= 3
    for claim in claims:
        assert article.text[claim.sentence_start : claim.sentence_end] == claim.sentence
    premise = next(c for c in claims if c.text == "the 2015 budget was never passed")
    assert premise.sentence == premise.text
    sentences = {s.start: s for s in article.sentences.all()}
    assert sentences[premise.sentence_start].claim_id == premise.pk
    assert sentences[premise.sentence_start].reason == "premise (question)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            "the level of the sea keeps rising along the coast " * 100_000,
            "too long to be one claim",
            id="5MB-without-punctuation",
        ),
        pytest.param(
            "Le niveau de la mer a augmenté de 20 centimètres depuis 1900, selon le GIEC. "
            "La banquise arctique a perdu 13 % de sa surface par décennie.",
            "language 'fr': the model is trained on English; its score is not trusted",
            id="french",
        ),
    ],
)
def test_bad_input_ends_ready_with_every_sentence_explained(workflow, run_tasks, text, reason):
    article, _ = run_tasks(article_submit, text=text)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert article.claims_total == 0
    reasons = {s.reason for s in article.sentences.all()}
    assert reasons == {reason[:100]}


def test_provider_outage_degrades_gracefully(workflow, library, run_tasks, monkeypatch):
    class DownProvider:
        name = "factcheck-api"

        def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
            raise ProviderUnavailableError("HTTP 503")

    from library.evidence import registry

    real = registry.get_providers()
    monkeypatch.setattr(pipeline, "get_providers", lambda: (*real, DownProvider()))
    article, _ = run_tasks(article_submit, text=ARTICLE)
    article.refresh_from_db()
    assert article.state == Article.State.READY
    claim = article.claims.first()
    assert claim.evidence_errors == ["factcheck-api unavailable"]
    assert claim.evidence.exists()  # the library still answered


def test_sweeper_reenqueues_stuck_articles_then_gives_up(workflow, run_tasks, settings):
    article, _ = article_submit(text=ARTICLE)  # committed, but its task message was "lost"
    Article.objects.filter(pk=article.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    assert run_tasks(steps.pipeline_sweep_stuck) == 1
    article.refresh_from_db()
    assert article.state == Article.State.READY

    stuck, _ = article_submit(text="Another article. It has 3 numbers like 42 and 7 in it today.")
    Article.objects.filter(pk=stuck.pk).update(
        state=Article.State.EXTRACTING,
        attempts=settings.CLAIMDESK_PIPELINE_MAX_ATTEMPTS,
        progressed_at=timezone.now() - timedelta(hours=1),
    )
    run_tasks(steps.pipeline_sweep_stuck)
    stuck.refresh_from_db()
    assert stuck.state == Article.State.FAILED
    assert "Gave up after" in stuck.last_error


def test_sweeper_leaves_recent_work_alone(workflow):
    article, _ = article_submit(text=ARTICLE)
    assert steps.pipeline_sweep_stuck() == 0
    article.refresh_from_db()
    assert article.state == Article.State.QUEUED


def test_unknown_ids_are_a_quiet_no_op(db):
    steps.run_step("claims.article_fetch", article_id=987654)
    steps.run_step("claims.article_extract", article_id=987654)
    steps.claim_gather_evidence(claim_id=987654)
    steps.article_finish(article_id=987654)


def test_reindexing_a_source_does_not_duplicate_passages(db, library):
    from library.models import SourcePassage

    before = SourcePassage.objects.count()
    source_document_upsert(
        url="https://en.wikipedia.org/wiki/Sea_level_rise",
        title="Sea level rise",
        text=(
            "Between 1901 and 2018, the global mean sea level rose by 15–25 cm. "
            "The rate of sea level rise has accelerated since the 1990s. "
            "Penguins live in the Southern Hemisphere."
        ),
    )
    assert SourcePassage.objects.count() == before


def test_sweeper_retries_lost_evidence_tasks_then_gives_up(workflow, library, settings):
    article, _ = article_submit(text=ARTICLE)
    steps.run_step("claims.article_extract", article_id=article.pk)  # evidence tasks "lost"
    article.refresh_from_db()
    assert article.state == Article.State.GATHERING
    for _ in range(settings.CLAIMDESK_PIPELINE_MAX_ATTEMPTS):
        Article.objects.filter(pk=article.pk).update(
            progressed_at=timezone.now() - timedelta(hours=1)
        )
        steps.pipeline_sweep_stuck()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert "while gathering evidence" in article.last_error


def test_every_considered_sentence_is_stored_and_can_be_promoted(
    workflow, library, run_tasks, user
):
    from claims.models import ArticleSentence
    from claims.services.sentences import sentence_promote

    article, _ = run_tasks(article_submit, text=ARTICLE)
    article.refresh_from_db()
    sentences = list(ArticleSentence.objects.filter(article=article))
    assert len(sentences) >= 4
    assert {s.claim_id for s in sentences if s.check_worthy} == set(
        article.claims.values_list("pk", flat=True)
    )
    passed_over = next(s for s in sentences if not s.check_worthy)
    assert passed_over.reason == "question" or passed_over.score < 0.5
    claim = run_tasks(sentence_promote, sentence_id=passed_over.pk, user=user)
    assert claim.promoted_by == user
    assert claim.sentence == passed_over.text
    assert ReviewItem.objects.filter(claim=claim).exists()
    claim.refresh_from_db()
    assert claim.evidence_state != Claim.EvidenceState.PENDING
    again = sentence_promote(sentence_id=passed_over.pk, user=user)
    assert again.pk == claim.pk
    article.refresh_from_db()
    assert article.claims_total == article.claims.count()


def test_only_relevant_library_evidence_is_given_a_stance(workflow, library, run_tasks):
    article, _ = run_tasks(article_submit, text=ARTICLE)
    hits = Evidence.objects.filter(claim__article=article, provider="library")
    assert hits.filter(relevant=True).exists()
    for hit in hits:
        assert hit.relevance is not None
        assert 0 <= hit.relevance <= 1
        if hit.relevant:  # a confidence always; a label only above its threshold
            assert hit.stance in {"supports", "refutes", "neither", ""}
            assert hit.stance_confidence is not None
        else:
            assert (hit.stance, hit.stance_confidence) == ("", None)
