"""Data migrations run against today's models: claims.0011 gives existing speakers a kind."""

import importlib

from django.apps import apps

from claims.models import Claim
from tests.claims.factories import ClaimFactory

speaker_kinds = importlib.import_module("claims.migrations.0011_claim_speaker_kind_and_source")


def test_existing_speakers_get_a_kind_and_phrases_stay_unknown(db):
    names = ["Dr Jane Smith", "a study", "The ministry", "", "NASA"]
    claims = [ClaimFactory.create(speaker=name, speaker_kind="") for name in names]
    speaker_kinds.existing_speakers_are_people(apps, None)
    kinds = [Claim.objects.get(pk=c.pk).speaker_kind for c in claims]
    # Before kinds, ClaimReview published every speaker as a Person; names keep that.
    assert kinds == ["person", "", "", "", "organization"]
