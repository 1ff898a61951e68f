"""The linear check-worthiness model that scores now: the active retrained version
(claims.models.CheckworthinessModelVersion) or, while none is active, the shipped file.

It loads once per process and is kept; which version is active is re-read at most every
CLAIMDESK_CHECKWORTHINESS_RECHECK_S seconds (one indexed read of one row), so an activation,
by retraining or in the admin, reaches every worker within that time without a restart.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass

from claims.conf import conf
from claims.extraction.checkworthiness import CheckworthinessModel
from claims.selectors import checkworthiness_active_version, checkworthiness_version_artifact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    version_id: int | None  # None: the shipped file
    model: CheckworthinessModel
    checked_at: float


_loaded: _Loaded | None = None
_lock = threading.Lock()


@functools.cache
def _shipped() -> CheckworthinessModel:
    return CheckworthinessModel.load()


def _load(version_id: int | None) -> CheckworthinessModel:
    if version_id is None:
        return _shipped()
    stored = checkworthiness_version_artifact(version_id=version_id)
    if stored is None:  # deactivated and deleted between the two reads
        return _shipped()
    name, artifact = stored
    return CheckworthinessModel.from_bytes(artifact, version=name)


def active_checkworthiness_model() -> CheckworthinessModel:
    """The model to score with; its `version` is what a claim records as having scored it."""
    global _loaded
    now = time.monotonic()
    loaded = _loaded
    if loaded is not None and now - loaded.checked_at < conf().checkworthiness_recheck_s:
        return loaded.model
    with _lock:
        try:
            active = checkworthiness_active_version()
        except Exception:
            # Extraction must not fail because this freshness read did (no database in a
            # command run from a fresh clone, a database hiccup): keep what scores now.
            logger.warning("cannot read the active check-worthiness version", exc_info=True)
            model = loaded.model if loaded is not None else _shipped()
            _loaded = _Loaded(loaded.version_id if loaded else None, model, now)
            return model
        version_id = active[0] if active is not None else None
        if loaded is None or loaded.version_id != version_id:
            model = _load(version_id)
            logger.info("check-worthiness model %s loaded", model.version)
        else:
            model = loaded.model
        _loaded = _Loaded(version_id, model, now)
        return model


def active_checkworthiness_model_forget() -> None:
    """Re-read the active version on the next use (after an activation in this process)."""
    global _loaded
    with _lock:
        _loaded = None
