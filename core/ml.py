"""Saving and loading the shipped scikit-learn models: skops files, never pickle, and only
scikit-learn/numpy/scipy (and this project's own) types may come out of them: a model file
is data, not code."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from skops import io as skops_io

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")


def _checked_types(types: list[str], own_types: tuple[str, ...], what: object) -> list[str]:
    unexpected = [t for t in types if not t.startswith(_TRUSTED_PREFIXES) and t not in own_types]
    if unexpected:
        raise ValueError(f"{what} contains unexpected types: {unexpected}")
    return types


def load_model(path: Path, *, rebuild_hint: str, own_types: tuple[str, ...] = ()) -> Any:
    """`own_types`: the caller's own feature transformers (full dotted names), imported from
    this code base, not the file."""
    if not path.exists():
        raise FileNotFoundError(f"No model at {path}. Rebuild it with `{rebuild_hint}`.")
    types = _checked_types(skops_io.get_untrusted_types(file=path), own_types, path)
    return skops_io.load(path, trusted=types)


def load_model_bytes(data: bytes, *, name: str, own_types: tuple[str, ...] = ()) -> Any:
    """The same checks for a model stored in the database (`name` says which, in errors)."""
    types = _checked_types(skops_io.get_untrusted_types(data=data), own_types, name)
    return skops_io.loads(data, trusted=types)


def dump_model_bytes(model: Any) -> bytes:
    data: bytes = skops_io.dumps(model, compression=8)
    return data


def save_model(model: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    skops_io.dump(model, path, compression=8)


def file_version(name: str, path: Path) -> str:
    """`name/<first 12 hex digits of the file's sha256>`: which model file scored a claim."""
    return f"{name}/{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
