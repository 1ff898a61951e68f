"""The model2vec static embedder measured for indexing at speed (lab only: README,
"Indexing at speed"). Its files are built into var/, not committed; these tests build a small
stand-in from the shipped MiniLM tokenizer, and check the real one where it was built."""

import json

import numpy as np
import pytest

from lab import static_embedder
from lab.retrieval import text_embedder
from library.evidence.embedder import DIMENSIONS, TOKENIZER_PATH, EmbedderUnavailableError


def _model(tmp_path, *, rows=None):
    """A static model over the MiniLM vocabulary: random piece vectors, a real tokenizer."""
    vocab = json.loads(TOKENIZER_PATH.read_text())["model"]["vocab"]
    rng = np.random.default_rng(0)
    matrix, tokenizer, card = (tmp_path / n for n in ("m.npy", "t.json", "c.json"))
    np.save(matrix, rng.normal(size=(rows or len(vocab), DIMENSIONS)).astype(np.float16))
    spec = json.loads(TOKENIZER_PATH.read_text())
    spec["post_processor"], spec["truncation"], spec["padding"] = None, None, None
    tokenizer.write_text(json.dumps(spec))
    card.write_text(json.dumps({"version": "static-test", "unk_token": "[UNK]"}))
    return matrix, tokenizer, card


def test_static_embedder_gives_unit_vectors_and_zeros_for_empty_text(tmp_path):
    embedder = static_embedder.StaticEmbedder(*_model(tmp_path))
    vectors = embedder.embed(["Sea level rose by 20 cm.", "", "Vaccines work."])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, rtol=1e-5)
    assert not vectors[1].any()
    assert embedder.embed([]).shape == (0, DIMENSIONS)
    assert embedder.version == "static-test"


def test_the_same_words_give_the_same_vector_whatever_the_case(tmp_path):
    embedder = static_embedder.StaticEmbedder(*_model(tmp_path))
    a, b = embedder.embed(["Arctic sea ice", "ARCTIC SEA ICE"])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_a_missing_static_model_file_is_a_clear_error(tmp_path, missing):
    paths = list(_model(tmp_path))
    paths[missing].unlink()
    with pytest.raises(EmbedderUnavailableError, match=r"lab\.static_embedder_build"):
        static_embedder.StaticEmbedder(*paths)


def test_a_matrix_of_the_wrong_shape_is_refused(tmp_path):
    with pytest.raises(EmbedderUnavailableError, match="one row per word piece"):
        static_embedder.StaticEmbedder(*_model(tmp_path, rows=10))


def test_evaluation_names_its_embedders():
    with pytest.raises(ValueError, match="minilm, static"):
        text_embedder("bogus")
