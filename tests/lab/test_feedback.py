"""Retraining on reviewer labels: what a run trains on, its lock, and the beat task's trigger
(small data, so it runs in seconds; the scripted run on CT24 dev is test_feedback_rounds.py)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import CheckworthinessLabel, CheckworthinessModelVersion
from claims.services.feedback import checkworthiness_training_start
from lab.feedback import split_labels
from lab.tasks import checkworthiness_retrain
from reviews.models import Verdict
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory
from tests.reviews.factories import ReviewItemFactory

FACTS = [f"Unemployment fell {n} percent in {1990 + n}." for n in range(12)]
CHATTER = [f"Thank you, {name}, it is good to be here." for name in "ABCDEFGHIJKL"]


@pytest.fixture
def base_tsv(tmp_path: Path, settings) -> Path:
    """A small base set in the CT24 format, where the beat task looks for it."""
    path = tmp_path / "base.tsv"
    rows = [
        f"{i}\t{text}\t{'Yes' if i % 2 else 'No'}"
        for i, text in enumerate(t for pair in zip(CHATTER, FACTS, strict=True) for t in pair)
    ]
    path.write_text("Sentence_id\tText\tclass_label\n" + "\n".join(rows) + "\n")
    settings.CLAIMDESK_FEEDBACK_BASE_DATA = path
    return path


def _decide(user, texts: list[str], slug: str) -> None:
    verdict = Verdict.objects.get(slug=slug)
    for text in texts:
        item = ReviewItemFactory.create(claim=ClaimFactory.create(sentence=text, text=text))
        review_item_update(
            item_id=item.pk, user=user, expected_version=item.version, verdict=verdict
        )


def test_the_heldout_slice_is_fixed_by_the_sentence_not_the_order():
    labels = [(f"Sentence number {n} about taxes.", n % 3 == 0) for n in range(200)]
    train, heldout = split_labels(labels)
    assert 40 < len(heldout) < 95  # about a third
    assert set(split_labels(labels[::-1])[1]) == set(heldout)
    assert not set(train) & set(heldout)


def test_the_beat_task_retrains_once_enough_labels_are_new(user, base_tsv, settings):
    settings.CLAIMDESK_FEEDBACK_RETRAIN_AFTER = 6
    _decide(user, [f"Exports rose {n} percent in May." for n in range(3)], "true")
    _decide(user, [f"Good evening, friend {n}." for n in range(2)], Verdict.NOT_CHECKWORTHY)
    checkworthiness_retrain()
    assert not CheckworthinessModelVersion.objects.exists()  # 5 labels: not yet
    _decide(user, ["Good evening, friend 9."], Verdict.NOT_CHECKWORTHY)
    checkworthiness_retrain()
    (version,) = CheckworthinessModelVersion.objects.all()
    assert version.state == "ready"
    assert version.card["base"]["n"] == 24
    assert version.card["labels"]["train"] + version.card["labels"]["heldout"] == 6
    assert version.artifact
    checkworthiness_retrain()  # nothing new since: no second version
    assert CheckworthinessModelVersion.objects.count() == 1


def test_a_run_while_another_trains_does_nothing(user, base_tsv, settings):
    settings.CLAIMDESK_FEEDBACK_RETRAIN_AFTER = 1
    _decide(user, ["Exports rose 4 percent in May."], "true")
    assert checkworthiness_training_start() is not None  # another run holds the lock
    checkworthiness_retrain()
    assert list(CheckworthinessModelVersion.objects.values_list("state", flat=True)) == ["training"]


def test_the_command_says_what_it_trained_on(user, base_tsv):
    _decide(user, ["Exports rose 4 percent in May."], "true")
    out = StringIO()
    call_command("train_checkworthiness", "--with-feedback", "--train", str(base_tsv), stdout=out)
    assert "Trained on: base.tsv (24 sentences) + " in out.getvalue()
    assert CheckworthinessModelVersion.objects.get().name in out.getvalue()


def test_without_a_base_set_it_trains_on_the_labels_alone_or_says_why_not(user, tmp_path):
    missing = str(tmp_path / "absent.tsv")
    with pytest.raises(CommandError, match="no base set and no labels of both kinds"):
        call_command("train_checkworthiness", "--with-feedback", "--train", missing)
    assert not CheckworthinessModelVersion.objects.exists()  # the lock was given back
    _decide(user, FACTS, "true")
    _decide(user, CHATTER, Verdict.NOT_CHECKWORTHY)
    assert CheckworthinessLabel.objects.count() == 24
    out, err = StringIO(), StringIO()
    call_command(
        "train_checkworthiness", "--with-feedback", "--train", missing, stdout=out, stderr=err
    )
    assert "training on the newsroom's labels alone" in err.getvalue()
    assert "Trained on: no base set" in out.getvalue()


def test_beat_schedules_the_task_by_its_registered_name(settings):
    from config.celery_app import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert checkworthiness_retrain.name in scheduled
    assert checkworthiness_retrain.name in app.tasks
