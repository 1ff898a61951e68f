"""Exporting a BERT-style torch module to an int8 ONNX graph (training extras only).

Used by `lab.embedder_build` and `lab.transformer_training`. The module must take
`(input_ids, attention_mask, token_type_ids)` positionally, which keeps the exporter away
from BertModel's keyword signature (it varies by transformers release).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def export_int8(
    module: Any,
    out_path: Path,
    *,
    output_name: str,
    output_axes: dict[int, str],
    exclude_nodes: Callable[[Path], Sequence[str]] = lambda _: (),
) -> None:
    """Export `module` (in eval mode) with dynamic batch and token axes, then quantise its
    weights to int8 per channel (onnxruntime dynamic quantisation). `exclude_nodes` names the
    nodes of the float32 graph that stay float32."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dummy = {
        "input_ids": torch.ones((2, 16), dtype=torch.long),
        "attention_mask": torch.ones((2, 16), dtype=torch.long),
        "token_type_ids": torch.zeros((2, 16), dtype=torch.long),
    }
    axes = {0: "batch", 1: "tokens"}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                module,
                tuple(dummy[name] for name in INPUT_NAMES),
                str(fp32),
                input_names=list(INPUT_NAMES),
                output_names=[output_name],
                dynamic_axes={**dict.fromkeys(INPUT_NAMES, axes), output_name: output_axes},
                opset_version=17,
                dynamo=False,
            )
        quantize_dynamic(
            str(fp32),
            str(out_path),
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=list(exclude_nodes(fp32)),
        )
