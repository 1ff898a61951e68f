"""Reviewers teach the check-worthiness model: their decisions become labels here, and the
retrained versions are stored and activated here. Training itself is the lab's
(lab/feedback.py); the review app reports decisions through the two `..._label_from_*` services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.extraction.active import active_checkworthiness_model_forget
from claims.models import CheckworthinessLabel, CheckworthinessModelVersion, Claim
from core.errors import ApplicationError

Origin = CheckworthinessLabel.Origin
# A training row older than this belongs to a run that died (the task's hard time limit is
# minutes): it no longer holds the retraining lock.
TRAINING_STALE_AFTER = timedelta(hours=1)


def _label_set(claim: Claim, *, checkworthy: bool, origin: str, user: User | None) -> None:
    label = CheckworthinessLabel.objects.filter(claim=claim).first()
    if label is None:
        label = CheckworthinessLabel(claim=claim)
    elif (label.checkworthy, label.origin) == (checkworthy, origin):
        return  # the same decision again (a replayed bulk edit): not a new label
    label.text, label.checkworthy, label.origin, label.user = (
        claim.sentence,
        checkworthy,
        origin,
        user,
    )
    label.full_clean(exclude=["claim"])
    label.save()


@transaction.atomic
def checkworthiness_label_from_verdict(
    *, claim_id: int, checkworthy: bool | None, user: User
) -> None:
    """A reviewer set a verdict: "Not check-worthy" (`checkworthy=False`) is a negative, any
    other (a real verdict) a positive; `None`, the verdict cleared, withdraws the label, back to
    the promotion's positive for a claim a reviewer promoted. The latest decision wins."""
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if checkworthy is not None:
        origin = Origin.VERDICT if checkworthy else Origin.NOT_CHECKWORTHY
        _label_set(claim, checkworthy=checkworthy, origin=origin, user=user)
    elif claim.promoted_by_id is not None:
        _label_set(claim, checkworthy=True, origin=Origin.PROMOTED, user=claim.promoted_by)
    else:
        CheckworthinessLabel.objects.filter(claim=claim).delete()


@transaction.atomic
def checkworthiness_label_from_promotion(*, claim: Claim, user: User) -> None:
    """A reviewer promoted a sentence the model passed over: a positive."""
    _label_set(claim, checkworthy=True, origin=Origin.PROMOTED, user=user)


def checkworthiness_training_start() -> CheckworthinessModelVersion | None:
    """Take the retraining lock: a row in the training state (a constraint allows one). None:
    another run is training now."""
    CheckworthinessModelVersion.objects.filter(
        state=CheckworthinessModelVersion.State.TRAINING,
        created_at__lt=timezone.now() - TRAINING_STALE_AFTER,
    ).delete()
    try:
        with transaction.atomic():
            version = CheckworthinessModelVersion(name=f"training-{timezone.now():%Y%m%d%H%M%S%f}")
            version.full_clean(validate_constraints=False)  # the constraint is the lock, below
            version.save()
    except IntegrityError:
        return None
    return version


def checkworthiness_training_abandon(*, version_id: int) -> None:
    CheckworthinessModelVersion.objects.filter(
        pk=version_id, state=CheckworthinessModelVersion.State.TRAINING
    ).delete()


@transaction.atomic
def checkworthiness_training_finish(
    *,
    version_id: int,
    artifact: bytes,
    card: dict[str, Any],
    labels_used: int,
    heldout_f1: float | None,
    active_heldout_f1: float | None,
) -> CheckworthinessModelVersion:
    """Store the trained version; activate it only if it is not worse than the model that was
    active, on the held-out slice of the newsroom's labels (F1; a tie activates). Without
    held-out labels (None) nothing shows that, so it is only stored."""
    version = CheckworthinessModelVersion.objects.select_for_update().get(pk=version_id)
    version.name = f"linear-v{version.pk}"
    version.state = CheckworthinessModelVersion.State.READY
    version.artifact = artifact
    version.card = card
    version.labels_used = labels_used
    version.heldout_f1 = heldout_f1
    version.active_heldout_f1 = active_heldout_f1
    version.full_clean()
    version.save()
    if heldout_f1 is not None and active_heldout_f1 is not None and heldout_f1 >= active_heldout_f1:
        checkworthiness_version_activate(version_id=version.pk)
        version.refresh_from_db()
    return version


@transaction.atomic
def checkworthiness_version_activate(*, version_id: int | None) -> None:
    """Make this version the one that scores (None: back to the shipped file). Workers notice
    within CLAIMDESK_CHECKWORTHINESS_RECHECK_S; this process at once."""
    if version_id is not None:
        version = CheckworthinessModelVersion.objects.select_for_update().get(pk=version_id)
        if version.state != CheckworthinessModelVersion.State.READY:
            raise ApplicationError(
                f"Version {version.name} is still training.", code="not_ready", status=409
            )
    others = CheckworthinessModelVersion.objects.filter(is_active=True)
    if version_id is not None:
        others = others.exclude(pk=version_id)
    others.update(is_active=False)
    if version_id is not None:
        CheckworthinessModelVersion.objects.filter(pk=version_id, is_active=False).update(
            is_active=True, activated_at=timezone.now()
        )
    transaction.on_commit(active_checkworthiness_model_forget)
