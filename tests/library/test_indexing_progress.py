"""Indexing a large library shows its progress: a bar in `manage.py index_library`, counts in
the admin's source document list."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.evidence import embedder as embedder_module
from library.models import PassageEmbedding, SourcePassage
from library.services.indexing import library_embedding_counts, passages_embed
from library.services.sources import source_document_upsert

TEXTS = {
    "https://w.example/sea": "Between 1901 and 2018 the global mean sea level rose by 15 to 25 cm.",
    "https://w.example/ice": "Arctic sea ice extent has declined by about 13 percent per decade.",
    "https://w.example/flu": "Influenza vaccination lowers the risk of hospital stays in adults.",
}


@pytest.fixture
def unindexed(db, settings, tmp_path):
    """Three documents whose indexing tasks never ran (e.g. a bulk import)."""
    settings.CLAIMDESK_DENSE_INDEX_DIR = tmp_path / "dense"
    for url, text in TEXTS.items():
        source_document_upsert(url=url, title="", text=text)  # on-commit tasks not run
    assert not PassageEmbedding.objects.exists()


def test_embedding_reports_progress_after_every_batch(unindexed, settings):
    settings.CLAIMDESK_EMBED_BATCH = 2
    ids = list(SourcePassage.objects.values_list("id", flat=True))
    heard: list[tuple[int, int]] = []
    assert passages_embed(passage_ids=ids, progress=lambda *p: heard.append(p)) == 3
    assert heard == [(2, 3), (3, 3)]
    assert library_embedding_counts() == (3, 3)


def test_index_library_embeds_what_is_missing_and_says_how_far_it_got(unindexed):
    out = StringIO()
    call_command("index_library", stdout=out)
    text = out.getvalue()
    assert "0 of 3 passages have a current vector" in text
    assert "Embedded 3; 3 of 3 passages have a current vector." in text
    assert "Passage index: 3 vectors" in text
    out = StringIO()
    call_command("index_library", stdout=out)  # nothing left to do
    assert "Embedded 0; 3 of 3" in out.getvalue()


def test_index_library_without_the_model_fails_clearly(unindexed, monkeypatch):
    def unavailable():
        raise embedder_module.EmbedderUnavailableError("No embedding model file at /nowhere.")

    monkeypatch.setattr("library.services.indexing.get_embedder", unavailable)
    with pytest.raises(CommandError, match="No embedding model file"):
        call_command("index_library", stdout=StringIO())


def test_admin_list_shows_passages_embedded_per_document_and_in_all(unindexed, admin_client):
    passages_embed(passage_ids=list(SourcePassage.objects.values_list("id", flat=True)[:1]))
    response = admin_client.get("/admin/library/sourcedocument/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "passages embedded" in page.lower()
    assert page.count(">1 / 1<") == 1
    assert page.count(">0 / 1<") == 2
    assert "Indexing: 1 of 3 passages embedded by the current model." in page


def test_admin_list_without_the_model_card_still_renders(unindexed, admin_client, monkeypatch):
    def unavailable():
        raise embedder_module.EmbedderUnavailableError("No embedding model card.")

    monkeypatch.setattr("library.admin.model_version", unavailable)
    monkeypatch.setattr("library.admin.library_embedding_counts", lambda: unavailable())
    response = admin_client.get("/admin/library/sourcedocument/")
    assert response.status_code == 200
    assert "the embedding model is missing" in response.content.decode()


def test_admin_list_queries_do_not_grow_with_the_rows(unindexed, admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/library/sourcedocument/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        source_document_upsert(url=f"https://w.example/more/{n}", title="", text=f"Fact {n}.")
    assert queries() == before
