"""Reviewers teach the model: every decision is one label per claim (the latest wins), and a
retrained version scores only once activated, when it is not worse."""

import pytest
from django.db import IntegrityError, transaction

from claims.extraction.active import active_checkworthiness_model
from claims.extraction.checkworthiness import SHIPPED_VERSION, CheckworthinessModel
from claims.extraction.engine import get_extractor
from claims.extraction.transformer import MODEL_PATH as TRANSFORMER_PATH
from claims.models import ArticleSentence, CheckworthinessLabel, CheckworthinessModelVersion, Claim
from claims.services.articles import article_submit
from claims.services.feedback import (
    checkworthiness_training_finish,
    checkworthiness_training_start,
    checkworthiness_version_activate,
)
from claims.services.sentences import sentence_promote
from core.ml import dump_model_bytes, file_version
from lab.checkworthiness import build_pipeline
from reviews.models import ReviewItem, Verdict
from reviews.services.queue import review_items_bulk
from reviews.services.workflow import review_item_update
from tests.claims.factories import SENTENCE, ArticleFactory
from tests.reviews.factories import ReviewItemFactory

Origin = CheckworthinessLabel.Origin


def _verdict(item: ReviewItem, user, slug: str | None) -> ReviewItem:
    item.refresh_from_db()
    return review_item_update(
        item_id=item.pk,
        user=user,
        expected_version=item.version,
        verdict=Verdict.objects.get(slug=slug) if slug else None,
    )


def _labels() -> list[tuple[int | None, bool, str]]:
    return list(CheckworthinessLabel.objects.values_list("claim_id", "checkworthy", "origin"))


def test_not_checkworthy_verdict_is_a_negative_and_a_real_verdict_a_positive(user):
    rejected, kept = ReviewItemFactory.create_batch(2)
    _verdict(rejected, user, Verdict.NOT_CHECKWORTHY)
    _verdict(kept, user, "false")
    assert sorted(_labels()) == sorted(
        [
            (rejected.claim_id, False, Origin.NOT_CHECKWORTHY),
            (kept.claim_id, True, Origin.VERDICT),
        ]
    )
    label = CheckworthinessLabel.objects.get(claim=rejected.claim)
    assert (label.text, label.user) == (SENTENCE, user)


def test_bulk_not_checkworthy_labels_each_claim_once_even_when_replayed(user):
    items = ReviewItemFactory.create_batch(3)
    ncw = Verdict.objects.get(slug=Verdict.NOT_CHECKWORTHY)
    ids = [item.pk for item in items]
    assert review_items_bulk(user=user, items=ids, action="verdict", value=ncw)["done"] == 3
    first = dict(CheckworthinessLabel.objects.values_list("claim_id", "updated_at"))
    review_items_bulk(user=user, items=ids, action="verdict", value=ncw)  # a replay
    assert dict(CheckworthinessLabel.objects.values_list("claim_id", "updated_at")) == first
    assert sorted(_labels()) == sorted(
        (item.claim_id, False, Origin.NOT_CHECKWORTHY) for item in items
    )


def test_the_latest_decision_supersedes_and_clearing_withdraws(user):
    item = ReviewItemFactory.create()
    for slug in (Verdict.NOT_CHECKWORTHY, "true", Verdict.NOT_CHECKWORTHY, "misleading"):
        _verdict(item, user, slug)
    assert _labels() == [(item.claim_id, True, Origin.VERDICT)]
    _verdict(item, user, None)
    assert _labels() == []


def test_a_promoted_sentence_is_a_positive_that_a_later_verdict_supersedes(user, run_tasks):
    article = ArticleFactory.create(text=f"It rained. {SENTENCE}")
    sentence = ArticleSentence.objects.create(
        article=article, start=11, end=11 + len(SENTENCE), score=0.1, check_worthy=False
    )
    claim = run_tasks(sentence_promote, sentence_id=sentence.pk, user=user)
    assert _labels() == [(claim.pk, True, Origin.PROMOTED)]
    assert CheckworthinessLabel.objects.get().text == SENTENCE
    item = ReviewItem.objects.get(claim=claim)
    _verdict(item, user, Verdict.NOT_CHECKWORTHY)
    assert _labels() == [(claim.pk, False, Origin.NOT_CHECKWORTHY)]
    _verdict(item, user, None)  # back to what the promotion said
    assert _labels() == [(claim.pk, True, Origin.PROMOTED)]


# A model that finds every sentence mentioning "percent" check-worthy, and nothing else.
PERCENT = (
    ["Unemployment fell 5 percent last year.", "Taxes rose 3 percent under him."] * 3
    + ["I love this great country.", "Thank you all for coming tonight."] * 3,
    [True, True] * 3 + [False, False] * 3,
)


@pytest.fixture
def trained(run_tasks):
    """A stored version, fitted on PERCENT, with the given held-out scores."""

    def train(*, f1: float, active_f1: float) -> CheckworthinessModelVersion:
        version = checkworthiness_training_start()
        assert version is not None
        stored: CheckworthinessModelVersion = run_tasks(
            checkworthiness_training_finish,
            version_id=version.pk,
            artifact=dump_model_bytes(build_pipeline(0).fit(*PERCENT)),
            card={"note": "test"},
            labels_used=len(PERCENT[0]),
            heldout_f1=f1,
            active_heldout_f1=active_f1,
        )
        return stored

    return train


@pytest.mark.django_db
def test_a_worse_candidate_is_stored_but_not_activated_and_a_tie_is(trained):
    worse = trained(f1=0.70, active_f1=0.71)
    assert (worse.is_active, worse.state, worse.heldout_f1) == (False, "ready", 0.70)
    assert active_checkworthiness_model().version == SHIPPED_VERSION
    tie = trained(f1=0.71, active_f1=0.71)
    assert tie.is_active
    assert active_checkworthiness_model().version == tie.name


@pytest.mark.django_db
def test_any_version_can_be_reactivated_and_only_one_is_ever_active(trained, run_tasks):
    first = trained(f1=0.8, active_f1=0.7)
    second = trained(f1=0.9, active_f1=0.8)
    assert list(CheckworthinessModelVersion.objects.filter(is_active=True)) == [second]
    run_tasks(checkworthiness_version_activate, version_id=first.pk)
    assert list(CheckworthinessModelVersion.objects.filter(is_active=True)) == [first]
    assert active_checkworthiness_model().version == first.name
    run_tasks(checkworthiness_version_activate, version_id=None)
    assert active_checkworthiness_model().version == SHIPPED_VERSION
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckworthinessModelVersion.objects.filter(pk__in=[first.pk, second.pk]).update(
            is_active=True
        )


@pytest.mark.django_db
def test_a_second_training_run_cannot_start_while_one_trains():
    assert checkworthiness_training_start() is not None
    assert checkworthiness_training_start() is None


@pytest.mark.django_db
def test_a_stored_version_loads_as_the_same_model(trained):
    version = trained(f1=0.9, active_f1=0.8)
    loaded = CheckworthinessModel.from_bytes(bytes(version.artifact), version=version.name)
    scores = loaded.score(["Prices rose 9 percent.", "I love you all."])
    assert scores[0] > 0.5 > scores[1]


ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 percent between 1900 and 2018, according to the IPCC.
Unemployment fell 5 percent last year, the minister said."""
LATER_ARTICLE = """Prices and jobs
Taxes rose 3 percent under the mayor, the council reported.
Inflation rose 7 percent in 2022, the central bank said."""


@pytest.fixture(params=["linear", "cascade"])
def backend(request, settings):
    """The backends built on the active linear version (CLAIMDESK_CHECKWORTHINESS_BACKEND)."""
    settings.CLAIMDESK_CHECKWORTHINESS_BACKEND = request.param
    get_extractor.cache_clear()
    yield request.param
    get_extractor.cache_clear()


def test_every_claim_records_the_model_version_that_scored_it(
    workflow, library, run_tasks, trained, backend
):
    def scored_by(linear: str) -> set[str]:
        if backend == "linear":
            return {linear}
        return {f"cascade({linear}+{file_version('minilm-l6-ft-int8', TRANSFORMER_PATH)})"}

    article, _ = run_tasks(article_submit, text=ARTICLE)
    assert set(Claim.objects.values_list("checkworthiness_model", flat=True)) == scored_by(
        SHIPPED_VERSION
    )
    version = trained(f1=0.9, active_f1=0.8)
    again, _ = run_tasks(article_submit, text=LATER_ARTICLE)
    assert again.pk != article.pk
    assert set(again.claims.values_list("checkworthiness_model", flat=True)) == scored_by(
        version.name
    )
    assert set(article.claims.values_list("checkworthiness_model", flat=True)) == scored_by(
        SHIPPED_VERSION
    )


@pytest.mark.django_db
def test_another_process_activation_is_noticed_at_the_next_recheck(trained, settings):
    """Workers are not told of an activation: they re-read the active id every RECHECK_S."""
    first = trained(f1=0.9, active_f1=0.8)
    second = trained(f1=0.7, active_f1=0.9)  # stored inactive
    settings.CLAIMDESK_CHECKWORTHINESS_RECHECK_S = 3600
    assert active_checkworthiness_model().version == first.name
    # Another process activates the second version (no cache reset here).
    CheckworthinessModelVersion.objects.update(is_active=False)
    CheckworthinessModelVersion.objects.filter(pk=second.pk).update(is_active=True)
    assert active_checkworthiness_model().version == first.name  # not re-read yet
    settings.CLAIMDESK_CHECKWORTHINESS_RECHECK_S = 0
    assert active_checkworthiness_model().version == second.name


@pytest.mark.django_db
def test_the_admin_lists_versions_with_scores_and_reactivates_one(
    admin_client, trained, django_capture_on_commit_callbacks
):
    first = trained(f1=0.81, active_f1=0.8)
    trained(f1=0.83, active_f1=0.81)
    page = admin_client.get("/admin/claims/checkworthinessmodelversion/").content.decode()
    assert first.name in page
    assert "0.81" in page
    detail = admin_client.get(f"/admin/claims/checkworthinessmodelversion/{first.pk}/change/")
    assert detail.status_code == 200
    assert "{&quot;note&quot;: &quot;test&quot;}" in detail.content.decode()  # the card
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/claims/checkworthinessmodelversion/",
            {"action": "activate", "_selected_action": [first.pk]},
        )
    assert response.status_code == 302
    assert CheckworthinessModelVersion.objects.get(is_active=True) == first
    assert active_checkworthiness_model().version == first.name
