"""The scripted run: half of CT24 dev comes in as reviewer decisions, through the review
services, in three rounds, each followed by a retraining run; F1 on the other half of dev must
go up over the rounds and never down.

The base set is a 1% slice of CT24 train (225 sentences, by a hash of the sentence), which the
newsroom's first model is trained on: a model with little data to start from, which the labels
can visibly teach. On top of all of CT24 train the same labels barely move F1 (README,
"Reviewers teach the model"), and a round would take minutes rather than seconds.
"""

from itertools import pairwise
from pathlib import Path

from claims.conf import conf
from claims.extraction.active import active_checkworthiness_model
from claims.models import CheckworthinessLabel
from claims.services.feedback import checkworthiness_version_activate
from lab.checkworthiness import Scores, read_checkthat_tsv
from lab.feedback import checkworthiness_retrain, sentence_bucket
from reviews.models import Verdict
from reviews.services.queue import review_items_bulk
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory
from tests.reviews.factories import ReviewItemFactory

ROUNDS = 3


def _base_slice(shared_data: Path, out: Path) -> Path:
    texts, labels = read_checkthat_tsv(shared_data / "checkworthiness" / "ct24_english_train.tsv")
    rows = [
        f"{i}\t{text}\t{'Yes' if label else 'No'}"
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
        if sentence_bucket(text, "base", 100) < 1
    ]
    out.write_text("Sentence_id\tText\tclass_label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return out


def _reviewers_decide(user, rows: list[tuple[str, bool]]) -> None:
    """Each sentence is a queued claim: kept ones get a real verdict, one at a time; the rest
    are marked "Not check-worthy" in one bulk edit, as a desk clears its queue."""
    true = Verdict.objects.get(slug="true")
    rejected = []
    for text, checkworthy in rows:
        item = ReviewItemFactory.create(claim=ClaimFactory.create(sentence=text, text=text))
        if checkworthy:
            review_item_update(
                item_id=item.pk, user=user, expected_version=item.version, verdict=true
            )
        else:
            rejected.append(item.pk)
    ncw = Verdict.objects.get(slug=Verdict.NOT_CHECKWORTHY)
    assert review_items_bulk(user=user, items=rejected, action="verdict", value=ncw) == {
        "done": len(rejected),
        "skipped": 0,
    }


def _f1_of_active_model(rows: list[tuple[str, bool]]) -> float:
    predicted = active_checkworthiness_model().score([t for t, _ in rows]) >= (
        conf().checkworthy_threshold
    )
    return Scores.of([label for _, label in rows], list(predicted)).f1


def test_reviewer_decisions_raise_f1_round_after_round(
    shared_data, tmp_path, user, django_capture_on_commit_callbacks
):
    base = _base_slice(shared_data, tmp_path / "base.tsv")
    texts, labels = read_checkthat_tsv(shared_data / "checkworthiness" / "ct24_english_dev.tsv")
    dev = list(zip(texts, labels, strict=True))
    evaluation = [row for row in dev if sentence_bucket(row[0], "eval", 2) == 0]
    fed = [row for row in dev if sentence_bucket(row[0], "eval", 2) == 1]

    with django_capture_on_commit_callbacks(execute=True):  # activations reach the cache
        start = checkworthiness_retrain(base_path=base).version
        assert start is not None
        assert not start.is_active  # no held-out labels yet
        checkworthiness_version_activate(version_id=start.pk)  # the desk's first model
    f1 = [_f1_of_active_model(evaluation)]
    versions = [start.name]
    for round_no in range(ROUNDS):
        _reviewers_decide(user, fed[round_no::ROUNDS])
        with django_capture_on_commit_callbacks(execute=True):
            outcome = checkworthiness_retrain(base_path=base)
        assert outcome.version is not None
        versions.append(active_checkworthiness_model().version)
        f1.append(_f1_of_active_model(evaluation))
        print(  # noqa: T201 — the figures the README quotes (pytest -s)
            f"round {round_no + 1}: {CheckworthinessLabel.objects.count()} labels, "
            f"candidate {outcome.version.name} held-out F1 {outcome.version.heldout_f1} vs "
            f"{outcome.version.active_heldout_f1} (active), activated: "
            f"{outcome.version.is_active}; F1 on the other {len(evaluation)} dev sentences "
            f"{f1[-1]:.4f} (was {f1[-2]:.4f})"
        )
    assert CheckworthinessLabel.objects.count() == len(fed)
    assert all(later >= earlier for earlier, later in pairwise(f1)), f1
    assert f1[-1] > f1[0], f1
    assert len(set(versions)) > 1  # the labels did change which model scores
