"""The on-disk ANN index machinery (core/ann.py), through the library's passage index: built
before the first search, right between refreshes, caught up by each machine on its own, and
never disturbed by a rebuild. Vectors are random unit vectors written straight to the table
(no model needed); each test has its own index directory (tests/conftest.py)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone
from usearch.index import Index

from core import ann
from core.ann import index_search
from library.evidence.dense import dense_search, passage_index, passage_index_refresh
from library.evidence.embedder import DIMENSIONS, Vectors, model_version, to_bytes
from library.models import PassageEmbedding, SourceDocument, SourcePassage

RNG = np.random.default_rng(16)


def _unit(count: int) -> Vectors:
    vectors = RNG.normal(size=(count, DIMENSIONS)).astype(np.float32)
    unit: Vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def _add(vectors: Vectors) -> list[int]:
    """Passages with these vectors, as the indexing service writes them; their ids."""
    document = SourceDocument.objects.create(
        url=f"https://ann.example/{SourceDocument.objects.count()}", title="t", text="x"
    )
    passages = SourcePassage.objects.bulk_create(
        SourcePassage(document=document, start=i, end=i + 1, text=f"passage {i}")
        for i in range(len(vectors))
    )
    PassageEmbedding.objects.bulk_create(
        PassageEmbedding(passage=p, model=model_version(), vector=to_bytes(v))
        for p, v in zip(passages, vectors, strict=True)
    )
    return [p.pk for p in passages]


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.glob("passages.*"))}


def _on_disk(directory: Path) -> set[int]:
    """The keys in a machine's index file, read as another process would."""
    index = Index.restore(str(directory / "passages.usearch"), view=True)
    assert index is not None
    return {int(key) for key in index.keys}


def _top(vector: Vectors) -> int | None:
    hits = dense_search(vector, limit=1)
    assert hits is not None
    return hits[0][0] if hits else None


def _wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def index_dir(settings) -> Path:
    return Path(settings.CLAIMDESK_DENSE_INDEX_DIR)


def test_a_search_builds_the_missing_index_before_it_answers(db, index_dir):
    vectors = _unit(50)
    ids = _add(vectors)
    assert not index_dir.exists()
    assert _top(vectors[7]) == ids[7]
    meta = json.loads((index_dir / "passages.json").read_text())
    assert meta["size"] == 50
    assert meta["model"] == model_version()


def test_vectors_written_after_the_refresh_are_found_without_one(db, index_dir):
    _add(_unit(50))
    passage_index_refresh()
    before = _files(index_dir)
    vectors = _unit(2)
    new_ids = _add(vectors)
    hits = dense_search(vectors[1], limit=3)
    assert hits is not None
    assert hits[0] == (new_ids[1], 1.0)  # scored exactly, from the database's vector
    assert _files(index_dir) == before  # found without touching the file
    assert passage_index_refresh().added == 2


def test_a_refresh_with_nothing_new_moves_the_high_water_mark_only(db, index_dir):
    _add(_unit(5))
    passage_index_refresh()
    usearch = (index_dir / "passages.usearch").stat()
    high_water = json.loads((index_dir / "passages.json").read_text())["high_water"]
    time.sleep(0.01)
    result = passage_index_refresh()
    assert (result.added, result.removed, result.rebuilt) == (0, 0, False)
    assert (index_dir / "passages.usearch").stat().st_mtime_ns == usearch.st_mtime_ns
    assert json.loads((index_dir / "passages.json").read_text())["high_water"] > high_water


def test_an_unreadable_index_file_is_rebuilt_before_the_search(db, index_dir, caplog):
    vectors = _unit(20)
    ids = _add(vectors)
    passage_index_refresh()
    (index_dir / "passages.usearch").write_bytes(b"half a file")
    assert _top(vectors[3]) == ids[3]
    assert "unreadable" in caplog.text


@pytest.mark.parametrize(
    "change",
    [
        {"format": None, "high_water": None},  # format 1: no high-water mark
        {"connectivity": 8},  # another graph shape
    ],
)
def test_an_index_of_another_format_or_shape_is_rebuilt(db, index_dir, change):
    vectors = _unit(10)
    ids = _add(vectors)
    passage_index_refresh()
    meta = index_dir / "passages.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), **change}))
    assert _top(vectors[0]) == ids[0]
    assert json.loads(meta.read_text())["format"] == ann.FORMAT
    assert json.loads(meta.read_text())["connectivity"] == passage_index.hnsw.connectivity


def test_a_restored_index_searches_with_its_kinds_settings(db):
    """usearch keeps no expansion settings in the file: restored, an index would search with
    its default of 64 candidates."""
    _add(_unit(5))
    passage_index_refresh()
    assert passage_index._usable_view().index.expansion_search == 128


def test_a_rebuild_never_disturbs_a_process_still_searching_the_old_file(db, index_dir):
    vectors = _unit(30)
    ids = _add(vectors)
    passage_index_refresh()
    # Another process of the machine has the file mapped while this one rebuilds it.
    elsewhere = Index.restore(str(index_dir / "passages.usearch"), view=True)
    assert elsewhere is not None
    PassageEmbedding.objects.filter(passage_id__in=ids[:10]).delete()
    assert passage_index_refresh(rebuild=True).size == 20
    assert index_search(elsewhere, vectors[0], limit=1)[0][0] == ids[0]  # its old copy
    assert len(elsewhere) == 30
    assert _on_disk(index_dir) == set(ids[10:])  # the next search maps the new one
    hits = dense_search(vectors[0], limit=30)
    assert hits is not None
    assert ids[0] not in {key for key, _ in hits}


def test_each_machine_keeps_its_own_files(db, settings, tmp_path):
    """Two machines share the database, not their index directories: what is written through
    one is found on the other, and a rebuild on one leaves the other's files alone."""
    machine_a, machine_b = tmp_path / "a", tmp_path / "b"
    vectors = _unit(40)
    ids = _add(vectors)
    settings.CLAIMDESK_DENSE_INDEX_DIR = machine_a
    passage_index_refresh()
    settings.CLAIMDESK_DENSE_INDEX_DIR = machine_b
    assert _top(vectors[0]) == ids[0]  # built here first
    written_on_b = _unit(1)
    (new_id,) = _add(written_on_b)
    passage_index_refresh(rebuild=True)  # B's task rebuilds B's file
    assert new_id in _on_disk(machine_b)
    settings.CLAIMDESK_DENSE_INDEX_DIR = machine_a
    before = _files(machine_a)
    assert new_id not in _on_disk(machine_a)
    assert dense_search(written_on_b[0], limit=1) == [(new_id, 1.0)]  # A finds it all the same
    assert _files(machine_a) == before


def _caught_up(directory: Path, key: int) -> bool:
    return key in _on_disk(directory) and not passage_index._catching_up.locked()


@pytest.mark.django_db(transaction=True)  # the catch-up thread reads committed rows
def test_a_process_catches_its_machine_up_when_it_finds_it_behind(settings, index_dir):
    settings.CLAIMDESK_DENSE_CATCH_UP_S = 0
    _add(_unit(10))
    passage_index_refresh()
    vectors = _unit(1)
    (new_id,) = _add(vectors)  # written through another machine: no refresh task here
    assert dense_search(vectors[0], limit=1) == [(new_id, 1.0)]
    _wait_for(lambda: _caught_up(index_dir, new_id))


@pytest.mark.django_db(transaction=True)
def test_a_file_found_behind_waits_for_the_catch_up_interval(settings, index_dir):
    settings.CLAIMDESK_DENSE_CATCH_UP_S = 3600
    _add(_unit(10))
    passage_index_refresh()
    vectors = _unit(1)
    (new_id,) = _add(vectors)
    assert dense_search(vectors[0], limit=1) == [(new_id, 1.0)]
    time.sleep(0.2)
    assert not passage_index._catching_up.locked()
    assert new_id not in _on_disk(index_dir)


@pytest.mark.django_db(transaction=True)
def test_rows_written_outside_the_window_are_caught_up_by_age(settings, index_dir):
    """A row stamped long ago (or not at all) is not in the freshness window: the refresh of
    an old file brings it in."""
    _add(_unit(10))
    passage_index_refresh()
    vectors = _unit(1)
    (old_id,) = _add(vectors)
    PassageEmbedding.objects.filter(passage_id=old_id).update(
        embedded_at=timezone.now() - timedelta(days=1)
    )
    assert _top(vectors[0]) != old_id
    settings.CLAIMDESK_DENSE_MAX_AGE_S = 0.001
    dense_search(vectors[0], limit=1)
    _wait_for(lambda: _caught_up(index_dir, old_id))
    assert _top(vectors[0]) == old_id


@pytest.mark.django_db(transaction=True)
def test_more_fresh_rows_than_a_search_checks_means_behind(settings, index_dir, monkeypatch):
    monkeypatch.setattr(ann, "FRESH_LIMIT", 2)
    settings.CLAIMDESK_DENSE_CATCH_UP_S = 0
    _add(_unit(10))
    passage_index_refresh()
    stale = _unit(3)
    ids = _add(stale)
    dense_search(stale[0], limit=1)
    _wait_for(lambda: all(_caught_up(index_dir, key) for key in ids))
    assert _top(stale[0]) == ids[0]


def test_every_kind_is_declared_once():
    assert [index.kind for index in ann.ann_indexes()] == [
        "passages",
        "claims",
        "claims-multilingual",
    ]
    with pytest.raises(ValueError, match="passages"):
        ann.AnnIndex(
            "passages",
            dimensions=DIMENSIONS,
            model=model_version,
            rows=PassageEmbedding.objects.all,
            key="passage_id",
            vector="vector",
            changed_at="embedded_at",
            settings=passage_index._settings,
        )


def test_the_command_builds_every_index_of_the_machine(db, index_dir):
    _add(_unit(3))
    out = StringIO()
    call_command("refresh_ann_indexes", stdout=out)
    assert out.getvalue().splitlines() == [
        "passages: 3 vectors (3 added, 0 removed, rebuilt)",
        "claims: 0 vectors (0 added, 0 removed, rebuilt)",
        "claims-multilingual: 0 vectors (0 added, 0 removed, rebuilt)",
    ]
    assert {"passages.usearch", "claims.usearch", "claims-multilingual.usearch"} <= {
        p.name for p in index_dir.iterdir()
    }
    call_command("refresh_ann_indexes", "--rebuild", stdout=out)
    assert out.getvalue().splitlines()[-3] == "passages: 3 vectors (3 added, 0 removed, rebuilt)"


def _best_cosines(vectors: Vectors, query: Vectors, count: int) -> Vectors:
    cosines: Vectors = np.sort(vectors @ query)[::-1][:count]
    return cosines


def test_a_small_index_compares_every_vector(db, monkeypatch):
    """Up to EXACT_UP_TO vectors a search is a scan: the nearest keys found by comparing every
    vector, whatever the graph looks like (the file holds float16, so two keys a rounding error
    apart may swap). Evenly spread random vectors are HNSW's worst case, so a graph walk with a
    short candidate list misses some of them."""
    vectors = _unit(2000)
    ids = _add(vectors)
    by_id = dict(zip(ids, vectors, strict=True))
    passage_index_refresh()
    queries = _unit(30)

    def found(query: Vectors) -> Vectors:
        keys = [key for key, _ in passage_index.search(query, limit=10)]
        return np.array([by_id[key] @ query for key in keys])

    for query in queries:
        assert found(query) == pytest.approx(_best_cosines(vectors, query, 10), abs=2e-3)

    monkeypatch.setattr(passage_index, "exact_up_to", 0)
    # A short candidate list: the graph misses some.
    passage_index.loaded().expansion_search = 10  # type: ignore[misc]
    missed = [
        not np.allclose(found(query), _best_cosines(vectors, query, 10), atol=2e-3)
        for query in queries
    ]
    assert any(missed)
