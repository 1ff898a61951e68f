"""The source library's models moved from `claims` to `library` (library 0001, claims 0008):
a database holding rows in the old schema keeps every row, id and link, and the content types
(so permissions) follow the models."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.models import Evidence
from library.models import FactCheck, PassageEmbedding, SourceDocument, SourcePassage

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS_BEFORE = ("claims", "0007_dense_embeddings_and_claim_matching")


def _migrate(targets, state_at):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(state_at).apps


def test_rows_written_under_the_old_schema_survive_the_move():
    old = _migrate([("library", None)], [CLAIMS_BEFORE])  # unapplies claims 0008 too
    assert ContentType.objects.filter(app_label="claims", model="sourcedocument").exists()
    document = old.get_model("claims", "SourceDocument").objects.create(
        title="Tide gauges", url="https://example.org/tides", text="Sea level rose 20 cm."
    )
    passage = old.get_model("claims", "SourcePassage").objects.create(
        document=document, start=0, end=21, text="Sea level rose 20 cm."
    )
    old.get_model("claims", "PassageEmbedding").objects.create(
        passage=passage, model="m1", vector=b"\x00" * 8
    )
    fact_check = old.get_model("claims", "FactCheck").objects.create(
        url="https://factcheck.example/1", claim_reviewed="Sea level fell.", rating="False"
    )
    article = old.get_model("claims", "Article").objects.create(
        input_kind="text", text="Sea level rose.", submission_hash="a" * 64
    )
    claim = old.get_model("claims", "Claim").objects.create(
        article=article,
        text="Sea level rose.",
        self_contained_text="Sea level rose.",
        sentence="Sea level rose.",
        sentence_start=0,
        sentence_end=15,
        fingerprint="b" * 64,
        checkworthiness=0.8,
    )
    old.get_model("claims", "Evidence").objects.create(
        claim=claim, provider="library", url=document.url, score=1.0, passage=passage, hit_key="k"
    )

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(leaves, leaves)

    moved = SourceDocument.objects.get(pk=document.pk)
    assert moved.title == "Tide gauges"
    assert [p.pk for p in moved.passages.all()] == [passage.pk]
    assert PassageEmbedding.objects.get(passage_id=passage.pk).model == "m1"
    assert FactCheck.objects.get(pk=fact_check.pk).rating == "False"
    evidence = Evidence.objects.get(claim_id=claim.pk)
    assert isinstance(evidence.passage, SourcePassage)
    assert evidence.passage.pk == passage.pk
    assert ContentType.objects.filter(app_label="library", model="sourcedocument").exists()
    assert not ContentType.objects.filter(app_label="claims", model="sourcedocument").exists()
