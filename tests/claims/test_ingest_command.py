from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article

TEXT = "Arctic sea ice fell to 4.1 million square kilometres in September 2023, scientists said."


@pytest.mark.django_db(transaction=True)  # real commits, so in-process tasks run as --wait polls
def test_ingests_files_and_folders_and_waits(tmp_path, workflow):
    (tmp_path / "a.txt").write_text(TEXT)
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "b.html").write_bytes(
        "<html><body><p>La banquise a perdu 13 % par décennie depuis 1979, selon le NSIDC.</p>"
        "</body></html>".encode("latin-1")
    )
    (sub / "ignored.png").write_bytes(b"\x89PNG")
    out = StringIO()
    call_command("ingest", str(tmp_path), "--wait", "--timeout", "5", stdout=out)
    assert Article.objects.count() == 2
    assert set(Article.objects.values_list("state", flat=True)) == {"ready"}
    text = out.getvalue()
    assert "Submitted 2 article(s)" in text
    assert "claim(s) in the review queue from 2 article(s)" in text


def test_rerunning_ingest_creates_no_duplicates(tmp_path, db):
    (tmp_path / "a.txt").write_text(TEXT)
    call_command("ingest", str(tmp_path / "a.txt"), stdout=StringIO())
    call_command("ingest", str(tmp_path / "a.txt"), stdout=StringIO())
    assert Article.objects.count() == 1


def test_missing_path_and_empty_file_are_clear_errors(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", str(tmp_path / "nope.txt"))
    (tmp_path / "empty.txt").write_text("   ")
    err = StringIO()
    with pytest.raises(CommandError, match="could not be submitted"):
        call_command("ingest", str(tmp_path / "empty.txt"), stdout=StringIO(), stderr=err)
    assert "empty" in err.getvalue()


def test_urls_the_service_refuses_are_listed_not_a_traceback(db, settings):
    """A URL whose normalised form failed the model's validation, or with a port out of range,
    stopped the command with a traceback (and the targets after it were never submitted)."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    err = StringIO()
    with pytest.raises(CommandError, match="3 target"):
        call_command(
            "ingest",
            "http://[::1]:8080/x",
            "http://example.org:99999/x",
            "http://my_host.example/x",
            stdout=StringIO(),
            stderr=err,
        )
    problems = err.getvalue()
    assert "http://[::1]:8080/x: ::1 is a private or reserved address" in problems
    assert (
        "http://example.org:99999/x: The URL 'http://example.org:99999/x' has an invalid port."
        in problems
    )
    assert "http://my_host.example/x: source_url: Enter a valid URL." in problems
    assert not Article.objects.exists()


def test_wait_times_out_clearly_without_a_worker(tmp_path, db):
    (tmp_path / "a.txt").write_text(TEXT)
    with pytest.raises(CommandError, match="Is a worker running"):
        call_command(
            "ingest", str(tmp_path / "a.txt"), "--wait", "--timeout", "0.1", stdout=StringIO()
        )


def test_ingest_as_source_indexes_the_library_in_any_encoding(tmp_path, db):
    from library.evidence.search import lexical_search
    from library.models import SourceDocument, SourcePassage

    (tmp_path / "rapport.txt").write_bytes(
        "Rapport du GIEC\nLe niveau de la mer a augmenté de 20 centimètres depuis 1900.".encode(
            "latin-1"
        )
    )
    (tmp_path / "page.html").write_text(
        "<html><head><title>Sea ice</title></head><body><article><p>Arctic sea ice declined "
        "13 percent per decade since 1979, satellites show.</p></article></body></html>"
    )
    out = StringIO()
    call_command("ingest", "--as-source", str(tmp_path), stdout=out)
    assert "Indexed 2 source document(s)" in out.getvalue()
    assert Article.objects.count() == 0  # sources are not articles to check
    french = SourceDocument.objects.get(title="Rapport du GIEC")
    assert "centimètres" in french.text
    passages_before = SourcePassage.objects.count()
    call_command("ingest", "--as-source", str(tmp_path), stdout=StringIO())  # again: no duplicates
    assert SourceDocument.objects.count() == 2
    assert SourcePassage.objects.count() == passages_before
    assert lexical_search("arctic sea ice decline", limit=1)


def test_ingest_as_source_refuses_empty_files(tmp_path, db):
    (tmp_path / "empty.txt").write_text("   ")
    err = StringIO()
    with pytest.raises(CommandError, match="could not be indexed"):
        call_command(
            "ingest", "--as-source", str(tmp_path / "empty.txt"), stdout=StringIO(), stderr=err
        )
    assert "no text" in err.getvalue()
